import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureCrashReports,
  exit,
  flush,
  isAlive,
  Pid,
  Process,
  ProcessExitedError,
  receive,
  self,
  send,
  spawn,
  spawnLink,
  TIMEOUT,
} from '../../src/index.ts';
import { drainShell, exitReason, inProcess, tick } from '../helpers.ts';

describe('the shell', () => {
  beforeEach(drainShell);
  afterEach(() => vi.restoreAllMocks());

  it('is self() outside every process: one pid, distinct from any process', async () => {
    const shell = self();
    expect(shell).toBeInstanceOf(Pid);
    expect(self()).toBe(shell);
    expect(Process.info(shell)?.behaviour).toBe('shell');
    expect(await inProcess(() => self())).not.toBe(shell);
  });

  it('receives like any process', async () => {
    const shell = self();
    spawn(() => send(shell, 'hello shell'));
    expect(await receive(undefined, 1000)).toBe('hello shell');
  });

  it('await flush() waits until every process is idle, prints each message on a line, empties the mailbox', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const shell = self();
    const relay = spawn(async () => {
      for (;;) {
        const message = await receive();
        // Work that takes a few turns of the event loop before the answer goes out.
        for (let i = 0; i < 3; i++) await tick();
        send(shell, { relayed: message });
      }
    });
    send(shell, 'first');
    send(relay, 1);
    send(relay, [2, 'two']);
    await flush();
    expect(log.mock.calls).toEqual([
      [inspect('first')],
      [inspect({ relayed: 1 })],
      [inspect({ relayed: [2, 'two'] })],
    ]);
    expect(await receive(undefined, 0)).toBe(TIMEOUT);
    exit(relay, 'kill');
  });

  it('flush prints nothing for an empty mailbox', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await flush();
    expect(log).not.toHaveBeenCalled();
  });

  it('a shell killed while it waits in receive is told: the wait fails with ProcessExitedError', async () => {
    const capture = captureCrashReports();
    try {
      const old = self();
      spawnLink(async () => {
        await tick();
        exit('gone');
      });
      // Like iex, which abandons the evaluation when the shell dies: the script gets an error
      // instead of waiting forever on a mailbox that no longer exists.
      const error = await receive().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProcessExitedError);
      expect(error).toMatchObject({ pid: old, reason: 'gone' });
      expect(self()).not.toBe(old);
    } finally {
      capture.restore();
    }
  });

  it('a shell killed through a link is replaced by a new shell with a new pid', async () => {
    const capture = captureCrashReports();
    try {
      const old = self();
      const child = spawnLink(() => exit('took the shell down'));
      await exitReason(child);
      const fresh = self();
      expect(fresh).not.toBe(old);
      expect(isAlive(old)).toBe(false);
      expect(isAlive(fresh)).toBe(true);
      expect(capture.reports).toEqual([
        expect.objectContaining({ kind: 'shell', pid: old, reason: 'took the shell down' }),
      ]);
      // The new shell works as the old one did.
      send(fresh, 'still here');
      expect(await receive(undefined, 0)).toBe('still here');
    } finally {
      capture.restore();
    }
  });
});
