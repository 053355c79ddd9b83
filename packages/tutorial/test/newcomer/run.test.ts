import { readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Action } from '../../src/newcomer/plan.ts';
import { runPlan } from '../../src/newcomer/run.ts';
import type { Sandbox } from '../../src/newcomer/sandbox.ts';
import { collector, scratch } from '../helpers.ts';

const SERVER = fileURLToPath(new URL('../fixtures/newcomer/server.mjs', import.meta.url));

async function run(actions: Action[]) {
  const sandbox: Sandbox = {
    root: scratch(),
    env: { ...process.env },
    commit: 't',
    remove: () => {},
  };
  const out = collector();
  const result = await runPlan({ sandbox, steps: [], log: out.log }, actions);
  return { result, log: out.text() };
}

function server(flags: string, shown: string[]): Action {
  return {
    kind: 'server',
    at: { doc: 'docs/05.md', line: 14 },
    command: `node ${SERVER} ${flags}`,
    shown: { line: 18, lines: shown },
    clients: [
      {
        at: { doc: 'docs/05.md', line: 30 },
        command: 'nc 127.0.0.1 8080',
        port: 8080,
        shown: { line: 31, lines: ['Welcome!', 'What is your name?', 'alice'] },
      },
    ],
  };
}

describe('the newcomer runs a server as the docs show it', () => {
  test('on a free port, with the lines shown, greeting a client, and a clean Ctrl-C', async () => {
    const { result, log } = await run([server('', ['chat server listening on 127.0.0.1:8080'])]);
    expect(result).toMatchObject({ passed: 1, failed: 0 });
    expect(log).toContain('1 nc clients greeted, stopped cleanly by Ctrl-C');
  });

  test('a line the docs do not show is a failure, at the line after the last they show', async () => {
    const { result, log } = await run([
      server('--web', ['chat server listening on 127.0.0.1:8080']),
    ]);
    expect(result).toMatchObject({
      passed: 0,
      failed: 1,
      failures: [`docs/05.md:14  node ${SERVER} --web`],
    });
    expect(log).toContain('docs/05.md:19: the output differs from what the docs show:');
    expect(log).toMatch(
      /the docs show: {2}\(nothing more\)\n {6}it printed: {5}web chat on 127\.0\.0\.1:\d+/,
    );
  });

  test('a server that fails on Ctrl-C is a failure', async () => {
    const { result, log } = await run([
      server('--status 1', ['chat server listening on 127.0.0.1:8080']),
    ]);
    expect(result.failed).toBe(1);
    expect(log).toContain('Ctrl-C did not stop it cleanly: exit status 1');
  });
});

describe('the newcomer runs a command to its end', () => {
  test('exit status 0 and the lines shown pass; anything else fails, with its output', async () => {
    const ok: Action = {
      kind: 'run',
      at: { doc: 'README.md', line: 5 },
      command: "printf '\\n> pkg@ hello /somewhere\\n> echo\\n\\nhello\\n'",
      args: [],
      shown: { line: 9, lines: ['hello'] },
    };
    const failing: Action = {
      kind: 'run',
      at: { doc: 'README.md', line: 6 },
      command: 'echo oops; exit 3',
      args: [],
    };
    const { result, log } = await run([ok, failing]);
    expect(result).toMatchObject({
      passed: 1,
      failed: 1,
      failures: ['README.md:6  echo oops; exit 3'],
    });
    expect(log).toContain('it failed: exit status 3\n        oops');
  });

  /**
   * `npm test` shown at a.md:1 and a.md:2, with an `npm` that counts its runs and exits with
   * `status`: what the plan gave, what it logged, and the arguments of each run.
   */
  async function npmTestShownTwice(status: number) {
    const bin = scratch();
    const count = join(bin, 'count');
    const npm = `#!/bin/sh\necho "$@" >> ${count}\nexit ${status}\n`;
    writeFileSync(join(bin, 'npm'), npm, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` };
    const sandbox: Sandbox = { root: scratch(), env, commit: 't', remove: () => {} };
    const check = (line: number): Action => ({
      kind: 'run',
      at: { doc: 'a.md', line },
      command: 'npm test',
      args: [],
    });
    const out = collector();
    const result = await runPlan({ sandbox, steps: [], log: out.log }, [check(1), check(2)]);
    return { result, log: out.text(), runs: readFileSync(count, 'utf8') };
  }

  test('a command that only checks runs once, however many documents show it', async () => {
    const { result, log, runs } = await npmTestShownTwice(0);
    expect(result).toMatchObject({ passed: 1, failed: 0, skipped: 1 });
    expect(runs).toBe('test\n');
    expect(log).toContain('- a.md:2  npm test  (passed at a.md:1 already)');
  });

  test('a check that failed is not run again where another document shows it', async () => {
    const { result, log, runs } = await npmTestShownTwice(1);
    expect(result).toMatchObject({
      passed: 0,
      failed: 1,
      skipped: 1,
      failures: ['a.md:1  npm test'],
    });
    expect(runs).toBe('test\n');
    expect(log).toContain('- a.md:2  npm test  (failed at a.md:1: not run again)');
  });

  test('a command whose short form is another runs that one, and says so', async () => {
    const { result, log } = await run([
      {
        kind: 'run',
        at: { doc: 'README.md', line: 4 },
        command: 'echo long; exit 9',
        instead: 'echo short',
        dry: 'the short form',
        args: [],
      },
    ]);
    expect(result).toMatchObject({ passed: 1, failed: 0 });
    expect(log).toContain('README.md:4  echo long; exit 9  (as the short form)');
  });
});
