import { formatReason } from './errors.js';
import type { Pid } from './pid.js';

/** What the runtime reports when a process ends abnormally. */
export interface CrashReport {
  /** Who reports: a plain process, a GenServer, a supervisor about a child, or a killed shell. */
  readonly kind: 'process' | 'gen_server' | 'supervisor' | 'shell';
  readonly pid: Pid;
  readonly name: string | undefined;
  readonly reason: unknown;
  /** Extra context: the last message a GenServer handled, or the child a supervisor lost. */
  readonly context?: string;
}

export type CrashReporter = (report: CrashReport) => void;

/** Prints a report to stderr the way a learner can read it: who, why, and where. */
export function printCrashReport(report: CrashReport): void {
  const who = report.name === undefined ? String(report.pid) : `${report.pid} (${report.name})`;
  const lines = [`=CRASH REPORT= ${report.kind} ${who} exited: ${formatReason(report.reason)}`];
  if (report.context) lines.push(`  ${report.context}`);
  if (report.reason instanceof Error && report.reason.stack) {
    lines.push(report.reason.stack.split('\n').slice(1).join('\n'));
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

let reporter: CrashReporter | null = printCrashReport;

/** Replaces the crash reporter (`null` silences reports); returns the previous one. */
export function setCrashReporter(next: CrashReporter | null): CrashReporter | null {
  const previous = reporter;
  reporter = next;
  return previous;
}

/** Collects crash reports instead of printing them until `restore()`: for tests. */
export function captureCrashReports(): { reports: CrashReport[]; restore(): void } {
  const reports: CrashReport[] = [];
  const previous = setCrashReporter((report) => reports.push(report));
  return { reports, restore: () => setCrashReporter(previous) };
}

export function reportCrash(report: CrashReport): void {
  reporter?.(report);
}
