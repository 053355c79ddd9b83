/**
 * The runtime's reports: what it tells when a process ends abnormally, when a supervisor acts on
 * a child, and when something goes wrong short of a crash (a message a server has no handler
 * for). One channel carries them all, so that a program can send them anywhere and a test can
 * collect them.
 */
import { formatReason } from './errors.js';
import type { Pid } from './pid.js';

/** What the runtime reports. */
export interface CrashReport {
  /** Who reports: a plain process, a GenServer, a supervisor about a child, or a killed shell. */
  readonly kind: 'process' | 'gen_server' | 'supervisor' | 'shell';
  /** The process that reports: the one that crashed, or the supervisor. */
  readonly pid: Pid;
  /** Its registered name, or for a supervisor the module it runs, if any. */
  readonly name: string | undefined;
  /** Why it exited; for a report that is not a crash, what the report is about. */
  readonly reason: unknown;
  /** What happened: the last message a GenServer handled, what a supervisor's child did. */
  readonly context?: string;
  /**
   * `undefined` for a crash (the process ended), `'error'` or `'warning'` for something that
   * went wrong while the process goes on.
   */
  readonly level?: 'error' | 'warning';
  /** A supervisor's report: the child it is about. */
  readonly child?: ReportedChild;
  /** A supervisor's report: what the supervisor does about it. */
  readonly action?: string;
}

/** A supervisor's child, as its reports describe it. */
export interface ReportedChild {
  /** The child's id in its supervisor (a dynamic supervisor's children may have none). */
  readonly id: string | undefined;
  /** The child's pid, when it had one. */
  readonly pid: Pid | undefined;
  readonly restart: 'permanent' | 'transient' | 'temporary';
  readonly type: 'worker' | 'supervisor';
}

export type CrashReporter = (report: CrashReport) => void;

/** Prints a report to stderr the way a learner can read it: who, why, and where. */
export function printCrashReport(report: CrashReport): void {
  process.stderr.write(`${formatCrashReport(report)}\n`);
}

/** A report as `printCrashReport` prints it. */
export function formatCrashReport(report: CrashReport): string {
  const lines =
    report.kind === 'supervisor' ? supervisorLines(report) : processLines(report, who(report));
  if (report.reason instanceof Error && report.reason.stack) {
    lines.push(report.reason.stack.split('\n').slice(1).join('\n'));
  }
  return lines.join('\n');
}

function who(report: CrashReport): string {
  return report.name === undefined ? String(report.pid) : `${report.pid} (${report.name})`;
}

function processLines(report: CrashReport, name: string): string[] {
  const reason = formatReason(report.reason);
  if (report.level === undefined) {
    const lines = [`=CRASH REPORT= ${report.kind} ${name} exited: ${reason}`];
    if (report.context) lines.push(`  ${report.context}`);
    return lines;
  }
  const heading = report.level === 'error' ? '=ERROR REPORT=' : '=WARNING REPORT=';
  return [`${heading} ${report.kind} ${name} ${report.context ?? 'reports'}: ${reason}`];
}

/** `=SUPERVISOR REPORT= <what happened>`, then who is who, why, and what the supervisor does. */
function supervisorLines(report: CrashReport): string[] {
  const lines = [`=SUPERVISOR REPORT= ${report.context ?? 'report'}`];
  lines.push(`  supervisor: ${who(report)}`);
  const { child } = report;
  if (child !== undefined) {
    const id = child.id === undefined ? [] : [`'${child.id}'`];
    const pid = child.pid === undefined ? [] : [String(child.pid)];
    lines.push(`  child:      ${[...id, ...pid].join(' ')} (${child.restart} ${child.type})`);
  }
  lines.push(`  reason:     ${formatReason(report.reason)}`);
  if (report.action !== undefined) lines.push(`  action:     ${report.action}`);
  return lines;
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
