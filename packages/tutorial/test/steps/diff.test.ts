import { expect, test } from 'vitest';
import { stepDiff } from '../../src/steps/diff.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { MINI } from '../helpers.ts';

const ESC = String.fromCharCode(27);

const [counter, reset] = discoverSteps(MINI).steps;

test('a step diff shows what the step adds, file by file', () => {
  const diff = stepDiff(counter!, reset!);
  expect(diff).toContain('--- 01-counter/src/index.ts\n+++ 02-counter-reset/src/index.ts');
  expect(diff).toContain("+    case 'reset':\n+      return 0;");
  expect(diff).not.toContain(`${ESC}[`); // no colours unless asked
  expect(diff).not.toMatch(/^index /m);
});

test('the tests are left out unless asked for', () => {
  expect(stepDiff(counter!, reset!)).not.toContain('/test/');
  const withTests = stepDiff(counter!, reset!, { tests: true });
  expect(withTests).toContain('+++ 02-counter-reset/test/');
  expect(withTests).toContain("+test('reset goes back to zero', () => {");
  // Each step's tests import the step by name: that rename is not a change the step makes.
  expect(withTests).not.toContain("-import { handle } from '@otp-chat/01-counter';");
});

test("package.json differs only in what the learner writes, not in the step's name", () => {
  expect(stepDiff(counter!, reset!)).not.toContain('package.json');
});

test('colours on request', () => {
  expect(stepDiff(counter!, reset!, { color: true })).toContain(`${ESC}[32m+`);
});
