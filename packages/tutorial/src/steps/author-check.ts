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
//
// The transport-level tests live in the conformance suite, and a step declares the features it
// promises (otpChat.features). A step's new features (those the step before did not declare)
// must each fail on that code as well, run alone from the step's conformance test file: a new
// feature that passes there was the previous step's already, or tests nothing.

/** The test file of a step that runs its conformance features (see @otp-chat/conformance). */
export const CONFORMANCE_TESTS = 'test/conformance.test.ts';

export type AuthorCheck =
  | { kind: 'missing-base' }
  | { kind: 'adds-behaviour'; against: string; report: TestReport }
  | { kind: 'adds-nothing'; against: string; report: TestReport }
  | { kind: 'did-not-run'; against: string; report: TestReport }
  | { kind: 'feature-adds-nothing'; against: string; feature: string; report: TestReport };

export async function checkAddsBehaviour(steps: readonly Step[], step: Step): Promise<AuthorCheck> {
  const base = previousStep(steps, step);
  if (step.buildsOn !== null && !base) return { kind: 'missing-base' };
  if (base) return checkAgainst(step, `step ${stepLabel(base)}'s code`, base.dir, base.features);
  const scratch = mkdtempSync(join(tmpdir(), 'otp-chat-empty-'));
  try {
    mkdirSync(join(scratch, 'src'));
    writeFileSync(join(scratch, 'src', 'index.ts'), emptyStart(step));
    return await checkAgainst(step, 'the empty module its exercise starts from', scratch, []);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The features `step` declares that the code it starts from did not. */
export function newFeatures(step: Step, baseFeatures: readonly string[]): string[] {
  return step.features.filter((feature) => !baseFeatures.includes(feature));
}

async function checkAgainst(
  step: Step,
  against: string,
  impl: string,
  baseFeatures: readonly string[],
): Promise<AuthorCheck> {
  const whole = verdict(against, await runStepTests(step.dir, { impl, bail: true }));
  if (whole.kind !== 'adds-behaviour') return whole;
  const features = newFeatures(step, baseFeatures);
  if (features.length === 0) return whole;
  // One run of every new feature (a child vitest each took seconds apiece): each must have a
  // failing test of its own, unless the whole file cannot load on that code, which fails all.
  const files = [CONFORMANCE_TESTS];
  const check = verdict(against, await runStepTests(step.dir, { impl, files, features }));
  if (check.kind !== 'adds-behaviour') {
    return check.kind === 'adds-nothing'
      ? { kind: 'feature-adds-nothing', against, feature: features[0]!, report: check.report }
      : check;
  }
  if (check.report.fileErrors.some((error) => error.file !== '.')) return whole;
  const silent = features.find((feature) => !failsIn(check.report, feature));
  return silent === undefined
    ? whole
    : { kind: 'feature-adds-nothing', against, feature: silent, report: check.report };
}

/**
 * Whether a test of the conformance feature `feature` failed (its describe: `feature <name>`,
 * at the top of the file or inside one of the step's own, as step 8's `on SQLite`).
 */
export function failsIn(report: Pick<TestReport, 'failures'>, feature: string): boolean {
  const inFeature = ` feature ${feature} `;
  return report.failures.some((failure) => ` ${failure.test}`.includes(inFeature));
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
    case 'feature-adds-nothing':
      return (
        `step ${label}'s new feature ${check.feature} passes on ${check.against}: ` +
        'if that code has it, declare it in the step before; ' +
        'if not, its tests do not test what it adds.'
      );
    case 'did-not-run':
      return `step ${label}'s tests did not run:\n${check.report.fileErrors.map((e) => e.message).join('\n')}`;
  }
}
