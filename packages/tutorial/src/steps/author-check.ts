import { previousStep, type Step, stepLabel } from './step.ts';
import { runStepTests, type TestReport } from './test-run.ts';

// The author check: a step that builds on another must add behaviour its tests can see. Its
// tests, run against the previous step's code, must fail; otherwise they do not test what the
// step adds. (That they pass on the step's own code is what the step's own test run shows.)

export type AuthorCheck =
  | { kind: 'first-step' }
  | { kind: 'missing-base' }
  | { kind: 'adds-behaviour'; base: Step; report: TestReport }
  | { kind: 'adds-nothing'; base: Step; report: TestReport }
  | { kind: 'did-not-run'; base: Step; report: TestReport };

export async function checkAddsBehaviour(steps: readonly Step[], step: Step): Promise<AuthorCheck> {
  const base = previousStep(steps, step);
  if (!base) return { kind: step.buildsOn === null ? 'first-step' : 'missing-base' };
  const report = await runStepTests(step.dir, { impl: base.dir, bail: true });
  // A test file that cannot even load on the older code (a missing export) is a failure too;
  // vitest itself not running, or finding no tests, proves nothing either way.
  const failed = report.failures.length > 0 || report.fileErrors.some((e) => e.file !== '.');
  if (failed) return { kind: 'adds-behaviour', base, report };
  return { kind: report.fileErrors.length ? 'did-not-run' : 'adds-nothing', base, report };
}

export function describeAuthorCheck(step: Step, check: AuthorCheck): string {
  const label = stepLabel(step);
  switch (check.kind) {
    case 'first-step':
      return `step ${label} builds on no step: there is nothing to check its tests against`;
    case 'missing-base':
      return `step ${label} builds on ${step.buildsOn}, which is not a step`;
    case 'adds-behaviour':
      return `step ${label}'s tests fail on step ${stepLabel(check.base)}'s code, as they should`;
    case 'adds-nothing':
      return (
        `step ${label}'s tests all pass on step ${stepLabel(check.base)}'s code (${check.report.total} tests): ` +
        'they do not test what the step adds. Add a test that fails without the new behaviour.'
      );
    case 'did-not-run':
      return `step ${label}'s tests did not run:\n${check.report.fileErrors.map((e) => e.message).join('\n')}`;
  }
}
