import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CommandError } from '../../src/errors.ts';
import { markVerified } from '../../src/exercise/progress.ts';
import { startStep } from '../../src/exercise/start.ts';
import { workspaceDir } from '../../src/exercise/workspace.ts';
import { openTutorial } from '../../src/tutorial.ts';
import { collector, learnerPaths, MINI } from '../helpers.ts';

function setUp() {
  const tutorial = openTutorial(MINI, learnerPaths());
  const [counter, reset] = tutorial.steps;
  return { tutorial, counter: counter!, reset: reset! };
}

test("a step starts from the previous step's reference code, and says what to do next", () => {
  const { tutorial, counter, reset } = setUp();
  const out = collector();
  startStep(tutorial, reset, out.log);
  const dir = workspaceDir(tutorial, reset);
  expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toBe(
    readFileSync(join(counter.dir, 'src/index.ts'), 'utf8'),
  );
  expect(out.text()).toContain('starting from the reference step 01 (steps/01-counter)');
  expect(out.text()).toContain('1. Read docs/02-counter-reset.md.');
  expect(out.text()).toContain('npx pnpm tutorial verify 02');
});

test("a step starts from the learner's own previous step once it is verified", () => {
  const { tutorial, counter, reset } = setUp();
  startStep(tutorial, counter, () => {});
  const own = workspaceDir(tutorial, counter);
  cpSync(join(counter.dir, 'src'), join(own, 'src'), { recursive: true });
  cpSync(join(own, 'src/index.ts'), join(own, 'src/mine.ts'));
  markVerified(tutorial.progressFile, counter.id);
  const out = collector();
  startStep(tutorial, reset, out.log);
  expect(existsSync(join(workspaceDir(tutorial, reset), 'src/mine.ts'))).toBe(true);
  expect(out.text()).toContain('starting from your verified step 01');
});

test('the first step starts from an empty module', () => {
  const { tutorial, counter } = setUp();
  const out = collector();
  startStep(tutorial, counter, out.log);
  expect(readFileSync(join(workspaceDir(tutorial, counter), 'src/index.ts'), 'utf8')).toBe(
    '// Step 01: A counter.\nexport {};\n',
  );
  expect(out.text()).toContain('this step starts from nothing');
});

test('start never overwrites a workspace', () => {
  const { tutorial, reset } = setUp();
  startStep(tutorial, reset, () => {});
  expect(() => startStep(tutorial, reset, () => {})).toThrow(CommandError);
  expect(() => startStep(tutorial, reset, () => {})).toThrow(
    /already exists.*\n.*npx pnpm tutorial reset 02/,
  );
});

test('a new workspace typechecks with the repository settings', () => {
  const { tutorial, reset } = setUp();
  startStep(tutorial, reset, () => {});
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '--noEmit', '-p', workspaceDir(tutorial, reset)],
    {
      encoding: 'utf8',
    },
  );
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});
