import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { runNode } from '../steps/test-run.ts';

// The learner's code, type-checked with the repository's TypeScript and settings. The step's
// tests and REPL scripts run through tsx and vitest, which only strip types: without this, code
// that TypeScript rejects (`const oops: number = 'x'`) would pass verify.

export interface TypeReport {
  ok: boolean;
  /** tsc's diagnostics, one entry each (continuation lines included), paths from `root`. */
  errors: string[];
}

const TSC = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');

/** Runs `tsc --noEmit -p <dir>` from `root`, so the paths it prints are the learner's. */
export async function typecheckWorkspace(dir: string, root: string): Promise<TypeReport> {
  const args = [TSC, '--noEmit', '--pretty', 'false', '-p', relative(root, dir) || '.'];
  const { code, output } = await runNode(args, { cwd: root });
  const errors = diagnostics(output);
  // tsc exits non-zero with nothing parsed only when it could not run at all: say what it said.
  if (code !== 0 && errors.length === 0) errors.push(output.trim() || `tsc exited with ${code}`);
  return { ok: code === 0, errors };
}

// Each diagnostic starts at the margin (`file(line,col): error TS...`); indented lines go on it.
function diagnostics(output: string): string[] {
  const errors: string[] = [];
  for (const line of output.trimEnd().split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
    else errors.push(line);
  }
  return errors;
}
