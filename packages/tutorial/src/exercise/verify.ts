import { existsSync } from 'node:fs';
import { CommandError } from '../errors.ts';
import { type Step, stepLabel } from '../steps/step.ts';
import { formatFailures, runStepTests, type TestReport } from '../steps/test-run.ts';
import type { Tutorial } from '../tutorial.ts';
import { typed } from '../typed.ts';
import { markVerified } from './progress.ts';
import { type TypeReport, typecheckWorkspace } from './typecheck.ts';
import { shown, workspaceDir } from './workspace.ts';

// `tutorial verify`: the learner's workspace type-checked, the step's tests and REPL scripts run
// against it, then the earlier steps again (their workspaces where the learner has them, else
// the reference), so that a learner sees both "is this step done" and "is everything before it
// still right".

export interface ScriptOutcome {
  /** The script, relative to the step. */
  script: string;
  ok: boolean;
  /** What did not match, readable as it is; empty when ok. */
  failures: string;
}

/** Replays a step's REPL scripts with `impl` standing in for the step's package. */
export type ReplayScripts = (step: Step, impl: string) => Promise<ScriptOutcome[]>;

export interface VerifyOptions {
  replay: ReplayScripts;
  log: (text: string) => void;
}

export async function verifyStep(
  tutorial: Tutorial,
  step: Step,
  options: VerifyOptions,
): Promise<boolean> {
  const { log } = options;
  const dir = requireWorkspace(tutorial, step);
  log(`Step ${stepLabel(step)} · ${step.title} · your workspace ${shown(tutorial, dir)}`);
  const types = await typecheckWorkspace(dir, tutorial.root);
  log(typesLine(types));
  const tests = await runStepTests(step.dir, { impl: dir });
  log(testLine('tests', tests));
  const scripts = await options.replay(step, dir);
  log(scriptLines(scripts));
  const stepOk = types.ok && tests.ok && scripts.every((s) => s.ok);
  if (stepOk) markVerified(tutorial.progressFile, step.id);
  const earlierOk = await verifyEarlier(tutorial, step, log);
  log(verdict(tutorial, step, stepOk, earlierOk));
  return stepOk && earlierOk;
}

function requireWorkspace(tutorial: Tutorial, step: Step): string {
  const dir = workspaceDir(tutorial, step);
  if (existsSync(dir)) return dir;
  throw new CommandError(
    `There is no workspace for step ${stepLabel(step)} (${shown(tutorial, dir)} does not exist).\n` +
      `Make one with: ${typed(`tutorial start ${stepLabel(step)}`)}`,
  );
}

async function verifyEarlier(
  tutorial: Tutorial,
  step: Step,
  log: (text: string) => void,
): Promise<boolean> {
  const earlier = tutorial.steps.filter((s) => s.number < step.number);
  if (earlier.length === 0) return true;
  log('Earlier steps, checked again:');
  let ok = true;
  for (const previous of earlier) {
    const own = workspaceDir(tutorial, previous);
    const impl = existsSync(own) ? own : undefined;
    const against = impl
      ? `your workspace ${shown(tutorial, own)}`
      : `the reference ${shown(tutorial, previous.dir)}`;
    const report = await runStepTests(previous.dir, { impl });
    log(testLine(`${stepLabel(previous)} · ${previous.title} · ${against}`, report));
    ok &&= report.ok;
  }
  return ok;
}

const SHOWN_TYPE_ERRORS = 10;

function typesLine(types: TypeReport): string {
  if (types.ok) return '  ✓ types: tsc finds no error';
  const count = `${types.errors.length} error${types.errors.length === 1 ? '' : 's'}`;
  const shownErrors = types.errors
    .slice(0, SHOWN_TYPE_ERRORS)
    .map((e) => e.replace(/^/gm, '      '));
  const more = types.errors.length - SHOWN_TYPE_ERRORS;
  if (more > 0) shownErrors.push(`      ... and ${more} more`);
  return [`  ✗ types: ${count}`, ...shownErrors].join('\n');
}

function testLine(label: string, report: TestReport): string {
  const count = `${report.passed} of ${report.total} test${report.total === 1 ? '' : 's'} passed`;
  if (report.ok) return `  ✓ ${label}: ${count}`;
  return `  ✗ ${label}: ${count}\n${formatFailures(report, '    ')}`;
}

function scriptLines(scripts: ScriptOutcome[]): string {
  if (scripts.length === 0) return '  · REPL scripts: this step has none';
  return scripts
    .map((s) => {
      if (s.ok) return `  ✓ REPL script ${s.script}`;
      return `  ✗ REPL script ${s.script}\n${s.failures.replace(/^(?=.)/gm, '      ')}`;
    })
    .join('\n');
}

function verdict(tutorial: Tutorial, step: Step, stepOk: boolean, earlierOk: boolean): string {
  const label = stepLabel(step);
  if (!stepOk)
    return `Step ${label} is not done yet: fix what failed above, then run ${typed(`tutorial verify ${label}`)}.`;
  const next = tutorial.steps.find((s) => s.number === step.number + 1);
  const done = `Step ${label} verified (recorded in ${shown(tutorial, tutorial.progressFile)}).`;
  const warning = earlierOk ? '' : '\nAn earlier step fails now: see above.';
  if (!next) return `${done} That was the last step: well done.${warning}`;
  return `${done}${warning}\nNext: read ${next.chapter}, then run ${typed(`tutorial start ${stepLabel(next)}`)}.`;
}
