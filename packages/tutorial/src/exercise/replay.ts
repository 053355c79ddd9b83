import { relative } from 'node:path';
import { runStepScripts } from '../repl-script/runner.ts';
import type { Step } from '../steps/step.ts';
import type { ScriptOutcome } from './verify.ts';

/** A step's REPL scripts, replayed with the learner's workspace standing in for the step. */
export async function replayWithImpl(step: Step, impl: string): Promise<ScriptOutcome[]> {
  const results = await runStepScripts(step.dir, { impl });
  return results.map((r) => ({
    script: relative(step.dir, r.file),
    ok: r.ok,
    failures: r.failures,
  }));
}
