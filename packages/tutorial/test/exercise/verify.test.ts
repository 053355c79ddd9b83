import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CommandError } from '../../src/errors.ts';
import { readProgress } from '../../src/exercise/progress.ts';
import { replayWithImpl } from '../../src/exercise/replay.ts';
import { startStep } from '../../src/exercise/start.ts';
import { verifyStep } from '../../src/exercise/verify.ts';
import { workspaceDir } from '../../src/exercise/workspace.ts';
import { openTutorial } from '../../src/tutorial.ts';
import { collector, learnerPaths, MINI } from '../helpers.ts';

function setUp() {
  const tutorial = openTutorial(MINI, learnerPaths());
  const [counter, reset] = tutorial.steps;
  return { tutorial, counter: counter!, reset: reset! };
}

test('a workspace holding the right answer passes, and the step is recorded as verified', async () => {
  const { tutorial, counter, reset } = setUp();
  startStep(tutorial, counter, () => {});
  cpSync(join(counter.dir, 'src'), join(workspaceDir(tutorial, counter), 'src'), {
    recursive: true,
  });
  startStep(tutorial, reset, () => {});
  cpSync(join(reset.dir, 'src'), join(workspaceDir(tutorial, reset), 'src'), { recursive: true });
  const out = collector();
  expect(await verifyStep(tutorial, reset, { replay: replayWithImpl, log: out.log })).toBe(true);
  expect(out.text()).toContain('  ✓ types: tsc finds no error');
  expect(out.text()).toContain('  ✓ tests: 2 of 2 tests passed');
  expect(out.text()).toContain('  ✓ REPL script repl/01-reset.repl.ts');
  expect(out.text()).toMatch(
    / {2}✓ 01 · A counter · your workspace .*01-counter: 1 of 1 test passed/,
  );
  expect(out.text()).toContain('Step 02 verified');
  expect(Object.keys(readProgress(tutorial.progressFile).verified)).toEqual(['02-counter-reset']);
});

test('a workspace without the new behaviour fails, naming the test, the expectation and the script', async () => {
  const { tutorial, reset } = setUp();
  startStep(tutorial, reset, () => {});
  const out = collector();
  expect(await verifyStep(tutorial, reset, { replay: replayWithImpl, log: out.log })).toBe(false);
  const text = out.text();
  expect(text).toContain('  ✗ tests: 1 of 2 tests passed');
  expect(text).toContain(
    "    ✗ reset goes back to zero  (test/counter.test.ts:9)\n        expect(handle(41, 'reset')).toBe(0);",
  );
  expect(text).toContain('  ✗ REPL script repl/01-reset.repl.ts');
  expect(text).toMatch(
    / {2}✓ 01 · A counter · the reference .*steps\/01-counter: 1 of 1 test passed/,
  );
  expect(text).toContain('Step 02 is not done yet');
  expect(readProgress(tutorial.progressFile).verified).toEqual({});
});

test('code that TypeScript rejects fails verify, with the error as tsc gives it', async () => {
  const { tutorial, reset } = setUp();
  startStep(tutorial, reset, () => {});
  const dir = workspaceDir(tutorial, reset);
  cpSync(join(reset.dir, 'src'), join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'oops.ts'), "export const oops: number = 'x';\n");
  const out = collector();
  expect(await verifyStep(tutorial, reset, { replay: replayWithImpl, log: out.log })).toBe(false);
  const text = out.text();
  expect(text).toContain('  ✗ types: 1 error\n');
  expect(text).toMatch(
    /\n {6}\S*02-counter-reset\/src\/oops\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\.\n/,
  );
  // The tests themselves pass (they only strip types): the type error alone fails the step.
  expect(text).toContain('  ✓ tests: 2 of 2 tests passed');
  expect(text).toContain('Step 02 is not done yet');
  expect(readProgress(tutorial.progressFile).verified).toEqual({});
});

test('a learner workspace that breaks an earlier step is reported as such', async () => {
  const { tutorial, counter, reset } = setUp();
  startStep(tutorial, counter, () => {});
  const own = join(workspaceDir(tutorial, counter), 'src/index.ts');
  writeFileSync(
    own,
    readFileSync(join(counter.dir, 'src/index.ts'), 'utf8').replace('count + 1', 'count + 2'),
  );
  startStep(tutorial, reset, () => {});
  cpSync(join(reset.dir, 'src'), join(workspaceDir(tutorial, reset), 'src'), { recursive: true });
  const out = collector();
  expect(await verifyStep(tutorial, reset, { replay: replayWithImpl, log: out.log })).toBe(false);
  expect(out.text()).toMatch(
    / {2}✗ 01 · A counter · your workspace .*: 0 of 1 test passed\n {4}✗ increment adds one/,
  );
  expect(out.text()).toContain('An earlier step fails now');
});

test('verifying a step that was never started says how to start it', async () => {
  const { tutorial, reset } = setUp();
  const attempt = verifyStep(tutorial, reset, { replay: replayWithImpl, log: () => {} });
  await expect(attempt).rejects.toThrow(CommandError);
  await expect(
    verifyStep(tutorial, reset, { replay: replayWithImpl, log: () => {} }),
  ).rejects.toThrow(
    /There is no workspace for step 02 \(.*02-counter-reset does not exist\)\.\nMake one with: npx pnpm tutorial start 02/,
  );
});
