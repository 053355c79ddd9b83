import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { REPOSITORY_ROOT } from '../repl/imports.ts';
import { resolveStep } from '../steps/resolve.ts';
import { discoverSteps, type Step, stepLabel } from '../steps/step.ts';
import { typed } from '../typed.ts';
import type { ScriptResult } from './report.ts';
import { runScript, stepScripts } from './runner.ts';

// `pnpm tutorial run <step> [script]`: replays the step's REPL scripts and shows each session as
// the REPL would, then one result line. Exit code 1 when any output differs from its annotation.

export interface RunCommandOptions {
  /** The repository; defaults to the one this file is in. */
  root?: string;
  out?: (text: string) => void;
}

export async function runCommand(args: string[], options: RunCommandOptions = {}): Promise<number> {
  const root = options.root ?? REPOSITORY_ROOT;
  const out = options.out ?? ((text: string) => console.log(text));
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const [stepArg, scriptArg, extra] = positionals;
  if (stepArg === undefined || extra !== undefined) {
    throw new UsageError(`Usage: ${typed('tutorial run <step> [script]')}`);
  }
  const step = resolveStep(discoverSteps(root).steps, stepArg);
  const scripts = pickScripts(step, scriptArg);
  if (scripts.length === 0) {
    out(`Step ${stepLabel(step)} has no REPL scripts (steps/${step.id}/repl/*.repl.ts).`);
    return 0;
  }
  const results: ScriptResult[] = [];
  for (const script of scripts) {
    const result = await runScript(script);
    out(sessionText(root, result));
    results.push(result);
  }
  out(summaryLine(step, results));
  return results.every((r) => r.ok) ? 0 : 1;
}

// `01-session`, `01-session.repl.ts` or just `01` pick one script of the step.
function pickScripts(step: Step, scriptArg: string | undefined): string[] {
  const all = stepScripts(step.dir);
  if (scriptArg === undefined) return all;
  const wanted = basename(scriptArg).replace(/\.repl\.ts$/, '');
  const found = all.filter((file) => basename(file, '.repl.ts').startsWith(wanted));
  if (found.length !== 1) {
    const names = all.map((file) => `  ${basename(file)}`).join('\n') || '  (none)';
    const what = found.length === 0 ? 'no script' : 'more than one script';
    throw new UsageError(
      `Step ${stepLabel(step)} has ${what} named "${scriptArg}". Its scripts:\n${names}`,
    );
  }
  return found;
}

function sessionText(root: string, result: ScriptResult): string {
  const header = `# ${relative(root, result.file)}`;
  const failures = result.ok ? [] : ['', `✗ ${result.failures.split('\n').join('\n  ')}`];
  return [header, result.transcript, ...failures, ''].join('\n');
}

function summaryLine(step: Step, results: readonly ScriptResult[]): string {
  const entries = results.flatMap((r) => r.entries);
  const checked = entries.filter((e) => e.expected !== undefined).length;
  const failed = results.filter((r) => !r.ok).length;
  const counts = `${count(results.length, 'script')}, ${count(entries.length, 'input')}, ${checked} checked`;
  const verdict =
    failed === 0 ? 'all print what they say' : `${failed} differ from their annotations`;
  return `${failed === 0 ? '✓' : '✗'} step ${stepLabel(step)} ${step.id}: ${counts}: ${verdict}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
