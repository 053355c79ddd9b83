import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type CliOptions, main } from '../src/cli.ts';
import { collector, learnerPaths, MINI } from './helpers.ts';

async function tutorial(args: string[], options: CliOptions = {}) {
  const out = collector();
  const err = collector();
  const defaults = { root: MINI, paths: learnerPaths(), terminal: false };
  const code = await main(args, { ...defaults, out: out.log, err: err.log, ...options });
  return { code, out: out.text(), err: err.text() };
}

describe('pnpm tutorial', () => {
  test('an unknown subcommand prints the usage and exits 2', async () => {
    const { code, err } = await tutorial(['frobnicate']);
    expect(code).toBe(2);
    expect(err).toMatch(
      /^Unknown subcommand "frobnicate"\.\n\nUsage:\n {2}npx pnpm tutorial list \[--test\]/,
    );
  });

  test('only real subcommands run, not what every object has', async () => {
    expect((await tutorial(['toString'])).code).toBe(2);
  });

  test('run hands over to the REPL-script runner, and its bad options are usage errors', async () => {
    const { code, err } = await tutorial(['run', '1', '--fast']);
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--fast'");
  });

  test('no subcommand at all is a usage error too', async () => {
    expect((await tutorial([])).code).toBe(2);
  });

  test('a step that does not exist exits 2, listing the steps', async () => {
    const { code, err } = await tutorial(['diff', '9']);
    expect(code).toBe(2);
    expect(err).toContain('There is no step "9". The steps are:\n  01  01-counter');
  });

  test('an unknown option exits 2', async () => {
    const { code, err } = await tutorial(['list', '--fast']);
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--fast'");
  });

  test('diff of a step, and of the first step that has nothing to diff against', async () => {
    const diff = await tutorial(['diff', '02-counter-reset']);
    expect(diff.code).toBe(0);
    expect(diff.out).toContain("+    case 'reset':");
    expect(diff.out).not.toContain('/test/');
    const withTests = await tutorial(['diff', '02', '--tests']);
    expect(withTests.out).toContain("+test('reset goes back to zero', () => {");
    const first = await tutorial(['diff', '1']);
    expect(first).toMatchObject({ code: 2, err: 'Step 01 builds on no step: all of it is new.' });
  });

  test('list shows the steps and their chapters at once, running no tests', async () => {
    const progress: string[] = [];
    const { code, out } = await tutorial(['list'], { progress: (text) => progress.push(text) });
    expect(code).toBe(0);
    expect(out.split('\n').map((l) => l.trimEnd())).toEqual([
      '01  A counter              docs/01-counter.md',
      '02  A counter that resets  docs/02-counter-reset.md',
    ]);
    expect(progress).toEqual([]);
  });

  test('list --test runs each step in turn, saying which is running and how each went', async () => {
    const progress: string[] = [];
    const { code, out } = await tutorial(['list', '--test'], {
      progress: (text) => progress.push(text),
    });
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Running the tests of 2 steps, one step at a time:\n01 {2}A counter +docs\/01-counter\.md +✓ 1 test pass \(\d+\.\d s\)\n02 .* ✓ 2 tests pass \(\d+\.\d s\)$/,
    );
    expect(progress).toEqual([
      expect.stringMatching(/^01 {2}A counter .* testing \(step 1 of 2\)…$/),
      '',
      expect.stringMatching(/^02 {2}A counter that resets .* testing \(step 2 of 2\)…$/),
      '',
    ]);
  });

  test('start, then start again: the second refuses with exit 1', async () => {
    const paths = learnerPaths();
    expect((await tutorial(['start', '2'], { paths })).code).toBe(0);
    expect(existsSync(join(paths.learnerDir, '02-counter-reset', 'src', 'index.ts'))).toBe(true);
    const again = await tutorial(['start', '2'], { paths });
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
  });

  test('reset without a terminal and without --yes refuses; with --yes it starts over', async () => {
    const paths = learnerPaths();
    await tutorial(['start', '2'], { paths });
    const refused = await tutorial(['reset', '2'], { paths });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('confirm with: npx pnpm tutorial reset 02 --yes');
    const done = await tutorial(['reset', '2', '--yes'], { paths });
    expect(done.code).toBe(0);
    expect(done.out).toContain('Your workspace is');
  });

  test('verify with no step and no workspace says where to begin', async () => {
    const { code, err } = await tutorial(['verify']);
    expect(code).toBe(1);
    expect(err).toBe('You have not started a step yet: begin with npx pnpm tutorial start 01.');
  });

  test('hint without a step gives the next hint for the step the learner started last', async () => {
    const paths = learnerPaths();
    const none = await tutorial(['hint'], { paths });
    expect(none).toMatchObject({ code: 1, err: expect.stringContaining('not started a step') });
    await tutorial(['start', '1'], { paths });
    const first = await tutorial(['hint'], { paths });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Step 01 · A counter · hint 1 of 2: The shape of it\n/);
    expect((await tutorial(['hint', '2'], { paths })).out).toMatch(/^Step 02 .* hint 1 of 3/);
  });

  test('verify --watch checks once, then watches until Ctrl-C, which ends it with exit 0', async () => {
    const paths = learnerPaths();
    await tutorial(['start', '2'], { paths });
    const out = collector();
    const watching = main(['verify', '2', '--watch'], {
      root: MINI,
      paths,
      terminal: false,
      out: (text) => {
        out.log(text);
        if (text.startsWith('\nWatching')) setImmediate(() => process.emit('SIGINT'));
      },
      err: () => {},
    });
    expect(await watching).toBe(0);
    expect(out.text()).toMatch(
      /Step 02 is not done yet[\s\S]*\nWatching .*Ctrl-C stops\.\nStopped watching\.$/,
    );
  });

  test('help', async () => {
    const { code, out } = await tutorial(['help']);
    expect(code).toBe(0);
    expect(out).toContain('npx pnpm tutorial verify [<step>] [--watch]');
  });
});
