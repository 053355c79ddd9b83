import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { openStepRepl } from '../../src/repl/step-repl.ts';

const fixtureRoot = fileURLToPath(new URL('../fixtures/repl-tutorial/', import.meta.url));
const main = fileURLToPath(new URL('../../src/repl/main.ts', import.meta.url));

async function openFixtureRepl(step: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const server = await openStepRepl([step], { root: fixtureRoot, input, output, terminal: false });
  const type = async (line: string) => {
    const before = printed.length;
    input.write(`${line}\n`);
    await expect.poll(() => printed.slice(before), { timeout: 5_000 }).toMatch(/> $/);
    return printed.slice(before).replace(/> $/, '');
  };
  return { server, type, printed: () => printed };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('openStepRepl', () => {
  it('names the step and its chapter in the banner', async () => {
    const repl = await openFixtureRepl('1');
    close = () => repl.server.close();
    expect(repl.printed()).toContain('step 01: Echo');
    expect(repl.printed()).toContain('Chapter: docs/01-echo.md');
  });

  it("has the step's API and the runtime in scope, TypeScript accepted", async () => {
    const repl = await openFixtureRepl('01-echo');
    close = () => repl.server.close();
    expect(await repl.type("echo<string>('hi')")).toBe("'hi'\n");
    expect(await repl.type('typeof spawn')).toBe("'function'\n");
  });

  it('lists what it loaded with .loaded', async () => {
    const repl = await openFixtureRepl('01');
    close = () => repl.server.close();
    const loaded = await repl.type('.loaded');
    expect(loaded).toMatch(
      /@otp-chat\/01-echo \(steps\/01-echo\/src\/index\.ts\):\n {2}echo, implementation/,
    );
    expect(loaded).toMatch(/@otp-chat\/otp \(.*packages\/otp\/src\/index\.ts\):\n/);
    expect(loaded).toContain('spawnLink');
  });

  it('refuses a step that does not exist, listing the steps', async () => {
    const opening = openStepRepl(['7'], { root: fixtureRoot, output: new PassThrough() });
    await expect(opening).rejects.toThrow(UsageError);
    await expect(opening).rejects.toThrow(/There is no step "7"[\s\S]*01-echo[\s\S]*02-shout/);
  });
});

describe('pnpm repl', () => {
  it('exits with code 2 and the list of steps for a step that does not exist', () => {
    const run = spawnSync('pnpm', ['exec', 'tsx', '--conditions=source', main, '999'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('There is no step "999"');
  });
});
