import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStart } from '../exercise/workspace.ts';
import { previousStep, type Step, stepLabel } from './step.ts';
import { runStepTests, type TestReport } from './test-run.ts';

// The author check: a step must add behaviour its tests can see. Its tests, run against the
// code a learner starts the step's exercise from, must fail; otherwise they do not test what
// the step adds. For a step that builds on another, that is the previous step's code; for the
// first step, the empty module its exercise starts from. (That the tests pass on the step's
// own code is what the step's own test run shows.)

export type AuthorCheck =
  | { kind: 'missing-base' }
  | { kind: 'adds-behaviour'; against: string; report: TestReport }
  | { kind: 'adds-nothing'; against: string; report: TestReport }
  | { kind: 'did-not-run'; against: string; report: TestReport };

export async function checkAddsBehaviour(steps: readonly Step[], step: Step): Promise<AuthorCheck> {
  const base = previousStep(steps, step);
  if (step.buildsOn !== null && !base) return { kind: 'missing-base' };
  if (base) return verdict(`step ${stepLabel(base)}'s code`, await runAgainst(step, base.dir));
  const scratch = mkdtempSync(join(tmpdir(), 'otp-chat-empty-'));
  try {
    mkdirSync(join(scratch, 'src'));
    writeFileSync(join(scratch, 'src', 'index.ts'), emptyStart(step));
    return verdict('the empty module its exercise starts from', await runAgainst(step, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runAgainst(step: Step, impl: string): Promise<TestReport> {
  return runStepTests(step.dir, { impl, bail: true });
}

function verdict(against: string, report: TestReport): AuthorCheck {
  // A test file that cannot even load on the older code (a missing export) is a failure too;
  // vitest itself not running, or finding no tests, proves nothing either way.
  const failed = report.failures.length > 0 || report.fileErrors.some((e) => e.file !== '.');
  if (failed) return { kind: 'adds-behaviour', against, report };
  return { kind: report.fileErrors.length ? 'did-not-run' : 'adds-nothing', against, report };
}

export function describeAuthorCheck(step: Step, check: AuthorCheck): string {
  const label = stepLabel(step);
  switch (check.kind) {
    case 'missing-base':
      return `step ${label} builds on ${step.buildsOn}, which is not a step`;
    case 'adds-behaviour':
      return `step ${label}'s tests fail on ${check.against}, as they should`;
    case 'adds-nothing':
      return (
        `step ${label}'s tests all pass on ${check.against} (${check.report.total} tests): ` +
        'they do not test what the step adds. Add a test that fails without the new behaviour.'
      );
    case 'did-not-run':
      return `step ${label}'s tests did not run:\n${check.report.fileErrors.map((e) => e.message).join('\n')}`;
  }
}
