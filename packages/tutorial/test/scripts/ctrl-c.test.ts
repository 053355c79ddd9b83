import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPOSITORY } from '../helpers.ts';

// Ctrl-C as a terminal sends it: SIGINT to every process of the foreground process group (the
// package manager, the scripts it runs, the server), not to the server alone. A clean stop
// must look clean: the server says goodbye and nothing in the chain reports a failure.

interface Stopped {
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a command as the leader of a new process group, and interrupts the group once `ready` is printed. */
function interruptWhenReady(cmd: string, args: string[], ready: RegExp): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPOSITORY,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHAT_PORT: '0', CHAT_WEB_PORT: '0' },
    });
    let output = '';
    let interrupted = false;
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      if (!interrupted && ready.test(output)) {
        interrupted = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ output, code, signal }));
  });
}

const FAILURE = /ELIFECYCLE|Command failed|ERR_PNPM|npm error|Error:/;
const PNPM = join(REPOSITORY, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

describe('Ctrl-C on a server started by the package manager', () => {
  test('pnpm start 05: the server stops cleanly and pnpm exits 0, reporting nothing', async () => {
    const stopped = await interruptWhenReady(
      process.execPath,
      [PNPM, 'start', '05'],
      /chat server listening/,
    );
    expect(stopped.output).toMatch(
      /SIGINT: telling everyone and shutting down.*\nchat server stopped\n/,
    );
    expect(stopped.output).not.toMatch(FAILURE);
    expect(stopped).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  test('npm start: the server stops cleanly and npm reports nothing', async () => {
    const stopped = await interruptWhenReady('npm', ['start'], /web chat on/);
    expect(stopped.output).toMatch(/\nchat server stopped\n/);
    expect(stopped.output).not.toMatch(FAILURE);
    // npm ends itself with the signal it was sent, after its script is done: a shell takes that
    // for an interrupted command, prints nothing, and sets $? to 130. Anything else is a failure.
    expect(stopped.code === 0 || stopped.signal === 'SIGINT').toBe(true);
  }, 60_000);
});
