import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Command, type Ended, FAILURE_REPORT } from '../../src/newcomer/processes.ts';
import { REPOSITORY } from '../helpers.ts';

// Ctrl-C as a terminal sends it: SIGINT to every process of the foreground process group (the
// package manager, the scripts it runs, the server), not to the server alone. A clean stop
// must look clean: the server says goodbye and nothing in the chain reports a failure.

/** Runs a command in a process group of its own, and interrupts the group once `ready` is printed. */
async function interruptWhenReady(command: string, ready: RegExp): Promise<Ended> {
  const workspace = {
    root: REPOSITORY,
    env: { ...process.env, CHAT_PORT: '0', CHAT_WEB_PORT: '0' },
  };
  const running = new Command(workspace, command);
  expect(await running.waitFor((output) => ready.test(output), { quietMs: 0 })).toBe(true);
  running.signal('SIGINT');
  return running.ended;
}

const PNPM = join(REPOSITORY, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

describe('Ctrl-C on a server started by the package manager', () => {
  test('pnpm start 05: the server stops cleanly and pnpm exits 0, reporting nothing', async () => {
    const stopped = await interruptWhenReady(`node ${PNPM} start 05`, /chat server listening/);
    expect(stopped.output).toMatch(
      /SIGINT: telling everyone and shutting down.*\nchat server stopped\n/,
    );
    expect(stopped.output).not.toMatch(FAILURE_REPORT);
    expect(stopped).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  test('npm start: the server stops cleanly and npm reports nothing', async () => {
    const stopped = await interruptWhenReady('npm start', /web chat on/);
    expect(stopped.output).toMatch(/\nchat server stopped\n/);
    expect(stopped.output).not.toMatch(FAILURE_REPORT);
    // npm ends itself with the signal it was sent, after its script is done: a shell takes that
    // for an interrupted command, prints nothing, and sets $? to 130. Anything else is a failure.
    expect(stopped.code === 0 || stopped.signal === 'SIGINT').toBe(true);
  }, 60_000);
});
