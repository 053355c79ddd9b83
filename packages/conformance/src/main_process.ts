import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SERVER_LOADER } from '@otp-chat/server';
import { afterEach } from 'vitest';
import { ownDataDir } from './server_process.ts';

/**
 * The command line of a step as `pnpm start` runs it (node with the servers' loader, in the step's directory),
 * for that step's own main.test.ts: `const run = mainRunner(new URL('..', import.meta.url))`.
 * Every process it starts is killed after each test. `given`: variables every one of them gets
 * (a database of its own, say), besides those a test gives.
 */
export function mainRunner(stepDir: URL | string, given: Readonly<Record<string, string>> = {}) {
  const cwd = stepDir instanceof URL ? fileURLToPath(stepDir) : stepDir;
  const running: ChildProcess[] = [];

  afterEach(() => {
    for (const child of running.splice(0)) child.kill('SIGKILL');
  });

  return function run(args: string[], env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      ['--import', SERVER_LOADER, '--conditions=source', 'src/main.ts', ...args],
      {
        cwd,
        env: { ...process.env, ...ownDataDir(), ...given, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    /** Resolves with stdout once it matches `pattern`. */
    const output = async (pattern: RegExp) => {
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`exited early: ${stdout}${stderr}`);
        await once(child.stdout!, 'data');
      }
      return stdout;
    };
    return { child, exited, output, stderr: () => stderr, stdout: () => stdout };
  };
}

/** A port nobody listens on, just now: where a server that is down would be. */
export async function freePort(): Promise<number> {
  const free = createServer().listen(0, '127.0.0.1');
  await once(free, 'listening');
  const { port } = free.address() as { port: number };
  free.close();
  return port;
}
