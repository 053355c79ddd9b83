import { describe, expect, test } from 'vitest';
import { checkAddsBehaviour, describeAuthorCheck } from '../../src/steps/author-check.ts';
import { discoverSteps, stepLabel } from '../../src/steps/step.ts';
import { REPOSITORY } from '../helpers.ts';

// The author check over the real steps: each step that builds on another must have tests that
// fail on the previous step's code. One child vitest run per step pair, so this takes a while.
const { steps } = discoverSteps(REPOSITORY);

describe('every step adds behaviour its tests can see', () => {
  if (steps.length === 0) {
    console.warn('AUTHOR CHECK SKIPPED: there are no steps under steps/ yet.');
    test.skip('no steps yet', () => {});
  }
  for (const step of steps) {
    if (step.buildsOn === null) {
      console.warn(`AUTHOR CHECK SKIPPED for step ${stepLabel(step)}: it builds on no step.`);
      test.skip(`step ${stepLabel(step)} (builds on no step)`, () => {});
      continue;
    }
    test(`step ${stepLabel(step)}: its tests fail on step ${step.buildsOn}'s code`, {
      timeout: 180_000,
    }, async () => {
      const check = await checkAddsBehaviour(steps, step);
      expect(check.kind, describeAuthorCheck(step, check)).toBe('adds-behaviour');
    });
  }
});
