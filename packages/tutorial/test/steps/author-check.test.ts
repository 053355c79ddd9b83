import { describe, expect, test } from 'vitest';
import { checkAddsBehaviour, describeAuthorCheck } from '../../src/steps/author-check.ts';
import { discoverSteps, stepLabel } from '../../src/steps/step.ts';
import { REPOSITORY } from '../helpers.ts';

// The author check over the real steps: each step's tests must fail on the code its exercise
// starts from, the previous step's (or, for the first step, an empty module). One child vitest
// run per step, so this takes a while.
const { steps } = discoverSteps(REPOSITORY);

describe('every step adds behaviour its tests can see', () => {
  test('there are steps to check', () => {
    expect(steps.length).toBeGreaterThan(0);
  });
  for (const step of steps) {
    const base = step.buildsOn === null ? 'the empty module' : `step ${step.buildsOn}'s code`;
    test(`step ${stepLabel(step)}: its tests fail on ${base}`, {
      timeout: 180_000,
    }, async () => {
      const check = await checkAddsBehaviour(steps, step);
      expect(check.kind, describeAuthorCheck(step, check)).toBe('adds-behaviour');
    });
  }
});
