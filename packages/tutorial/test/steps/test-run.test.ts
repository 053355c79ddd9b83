import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  CONFORMANCE_TESTS,
  checkAddsBehaviour,
  describeAuthorCheck,
  failsIn,
} from '../../src/steps/author-check.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { formatFailures, runStepTests } from '../../src/steps/test-run.ts';
import { learnerPaths, MINI, REPOSITORY, scratch } from '../helpers.ts';

const { steps } = discoverSteps(MINI);
const [counter, reset] = steps;

test("a feature's failing test is found at the top of the file, or inside the step's describe", () => {
  const failing = (test: string) => ({
    failures: [{ test, file: 'test/conformance.test.ts', line: 1, expectation: '', message: '' }],
  });
  expect(
    failsIn(failing('feature room-catalog on telnet /create makes a room'), 'room-catalog'),
  ).toBe(true);
  expect(failsIn(failing('on SQLite feature room-catalog on telnet /create'), 'room-catalog')).toBe(
    true,
  );
  expect(failsIn(failing('on SQLite feature room-limits shows 100 rooms'), 'room-catalog')).toBe(
    false,
  );
  expect(failsIn(failing('on SQLite a room-catalog feature test'), 'room-catalog')).toBe(false);
});

test("a step's tests pass on its own code", async () => {
  const report = await runStepTests(reset!.dir);
  expect(report).toMatchObject({ ok: true, total: 2, passed: 2, failures: [] });
});

test('run against the previous step, the failure names the test and the expectation', async () => {
  const report = await runStepTests(reset!.dir, { impl: counter!.dir });
  expect(report.ok).toBe(false);
  expect(report.failures).toEqual([
    {
      test: 'reset goes back to zero',
      file: 'test/counter.test.ts',
      line: 9,
      expectation: "expect(handle(41, 'reset')).toBe(0);",
      message: 'AssertionError: expected undefined to be +0 // Object.is equality',
    },
  ]);
  expect(formatFailures(report)).toContain(
    "✗ reset goes back to zero  (test/counter.test.ts:9)\n        expect(handle(41, 'reset')).toBe(0);",
  );
});

test('an implementation that does not exist is a file error, not a pass', async () => {
  const report = await runStepTests(reset!.dir, { impl: '/nonexistent/impl' });
  expect(report.ok).toBe(false);
  expect(report.fileErrors[0]?.message).toMatch(/\/nonexistent\/impl\/src\/index\.ts/);
});

test('a missing export is named as the learner wrote it, with a hint', async () => {
  const impl = scratch();
  mkdirSync(join(impl, 'src'));
  writeFileSync(join(impl, 'src/index.ts'), 'export const handel = () => 0;\n');
  const report = await runStepTests(reset!.dir, { impl });
  expect(report.failures.map((f) => f.message)).toEqual([
    'TypeError: handle is not a function\n(handle is imported: is it exported, and is it a function?)',
    'TypeError: handle is not a function\n(handle is imported: is it exported, and is it a function?)',
  ]);
});

test('long lists of failures are cut short', async () => {
  const report = await runStepTests(reset!.dir, { impl: counter!.dir });
  expect(formatFailures(report, '', 0)).toBe('... and 1 more failing test');
});

test('the author check sees that step 02 adds behaviour', async () => {
  const check = await checkAddsBehaviour(steps, reset!);
  expect(check.kind).toBe('adds-behaviour');
  expect(describeAuthorCheck(reset!, check)).toBe(
    "step 02's tests fail on step 01's code, as they should",
  );
});

test('the author check does not mistake a step without tests for one that adds behaviour', async () => {
  const empty = scratch();
  writeFileSync(
    join(empty, 'package.json'),
    JSON.stringify({ name: '@otp-chat/02-empty', type: 'module' }),
  );
  writeFileSync(join(empty, 'vitest.config.ts'), 'export default {};\n');
  const step = { ...reset!, dir: empty };
  const check = await checkAddsBehaviour(steps, step);
  expect(check.kind).toBe('did-not-run');
  expect(describeAuthorCheck(step, check)).toMatch(/^step 02's tests did not run:\nno tests ran:/);
});

test("the author check runs the first step's tests on the empty module its exercise starts from", async () => {
  const check = await checkAddsBehaviour(steps, counter!);
  expect(check.kind).toBe('adds-behaviour');
  expect(describeAuthorCheck(counter!, check)).toBe(
    "step 01's tests fail on the empty module its exercise starts from, as they should",
  );
});

/**
 * Step 02 of the mini tutorial as a step with conformance features: `count`, which step 01 has
 * already, and `reset`, which it adds. Its conformance test file runs the features named in
 * OTP_CHAT_FEATURES, as @otp-chat/conformance's runner does. It sits inside the mini tutorial
 * (in .learner/, which git ignores) so that its test file resolves vitest.
 */
function stepWithFeatures(features: string[]) {
  const { learnerDir } = learnerPaths();
  const dir = join(learnerDir, '02-counter-reset');
  mkdirSync(join(dir, 'test'), { recursive: true });
  cpSync(join(reset!.dir, 'src'), join(dir, 'src'), { recursive: true });
  const manifest = { name: reset!.packageName, type: 'module', otpChat: { features } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  const shared = join(REPOSITORY, 'vitest.shared.ts');
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { project } from ${JSON.stringify(shared)};\nexport default project();\n`,
  );
  writeFileSync(
    join(dir, CONFORMANCE_TESTS),
    [
      `import { handle } from '${reset!.packageName}';`,
      "import { describe, expect, test } from 'vitest';",
      'const features: Record<string, () => void> = {',
      "  count: () => expect(handle(41, 'increment')).toBe(42),",
      "  reset: () => expect(handle(41, 'reset')).toBe(0),",
      '};',
      `const declared = ${JSON.stringify(features)};`,
      "const wanted = process.env.OTP_CHAT_FEATURES?.split(',') ?? declared;",
      // Named as the conformance suite names a feature's tests: under `feature <name>`.
      "for (const name of wanted) describe('feature ' + name, () => test('works', features[name]!));",
      '',
    ].join('\n'),
  );
  return { ...reset!, dir, features };
}

test('the author check runs the new features, and names one that passes on the step before', async () => {
  const step = stepWithFeatures(['count', 'reset']);
  const check = await checkAddsBehaviour(steps, step);
  expect(check).toMatchObject({ kind: 'feature-adds-nothing', feature: 'count' });
  expect(describeAuthorCheck(step, check)).toBe(
    "step 02's new feature count passes on step 01's code: if that code has it, " +
      'declare it in the step before; if not, its tests do not test what it adds.',
  );
});

test('the author check passes a step whose new features each fail on the step before', async () => {
  const check = await checkAddsBehaviour(steps, stepWithFeatures(['reset']));
  expect(check.kind).toBe('adds-behaviour');
});

test('the author check leaves out the features the step before declared', async () => {
  const step = stepWithFeatures(['count', 'reset']);
  const check = await checkAddsBehaviour([{ ...counter!, features: ['count'] }, step], step);
  expect(check.kind).toBe('adds-behaviour');
});
