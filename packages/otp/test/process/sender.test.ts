/**
 * `send` knows its sender without asking AsyncLocalStorage while the scheduler runs a process:
 * the first synchronous part of a spawned process, and the wake-up window of a process that
 * sends in bursts (`running` in kernel/proc.ts). These tests check that the fast path is taken
 * where it should be, and that it never takes code of another process for the running one: a
 * dead process's callback called from inside the run, or its leftover code that runs right
 * after the window, still has its sends dropped, with the warning.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  _,
  captureCrashReports,
  exit,
  type Pid,
  receive,
  self,
  send,
  spawn,
  TIMEOUT,
} from '../../src/index.ts';
import { burst, type Proc, running } from '../../src/kernel/proc.ts';
import { procOf } from '../../src/process.ts';
import { deferred, tick } from '../helpers.ts';

/** A process that makes `make()` in its own context, hands it to the shell, then is killed. */
async function fromDeadProcess<T>(make: () => T): Promise<{ dead: Pid; made: T }> {
  const made = deferred<T>();
  const dead = spawn(async () => {
    made.resolve(make());
    await receive('never');
  });
  const value = await made.promise;
  exit(dead, 'kill');
  await tick();
  return { dead, made: value };
}

/** A burst of sends, enough for the scheduler to wake the sender in a window next time. */
function sendBurst(to: Pid, count = 32): void {
  for (let i = 0; i < count; i++) send(to, ['burst', i]);
}

async function drainBursts(): Promise<number> {
  let count = 0;
  while ((await receive(['burst', _], 0)) !== TIMEOUT) count++;
  return count;
}

describe('send while the scheduler runs a process', () => {
  it('a spawned process’s first synchronous part runs as known, its sends delivered', async () => {
    const shell = self();
    let seen: Proc | null = null;
    const pid = spawn(() => {
      seen = running.proc;
      send(shell, 'first part');
    });
    expect(await receive('first part', 1000)).toBe('first part');
    expect((seen as Proc | null)?.pid).toBe(pid);
    expect(running.proc).toBe(null);
  });

  it('a dead process’s bound callback called in a first part is still dropped, with a warning', async () => {
    const crashes = captureCrashReports();
    const shell = self();
    const { dead, made: leftover } = await fromDeadProcess(() =>
      AsyncResource.bind(() => send(shell, 'from the dead')),
    );
    const { made: snapshot } = await fromDeadProcess(() => AsyncLocalStorage.snapshot());
    spawn(() => {
      const known = running.proc !== null;
      leftover();
      snapshot(() => send(shell, 'from the dead too'));
      send(shell, ['alive', known]);
    });
    expect(await receive(['alive', _], 1000)).toEqual(['alive', true]);
    expect(await receive((m) => typeof m === 'string' && m.startsWith('from the dead'), 20)).toBe(
      TIMEOUT,
    );
    crashes.restore();
    expect(crashes.reports).toEqual([
      expect.objectContaining({ level: 'warning', pid: dead }),
      expect.objectContaining({ level: 'warning' }),
    ]);
  });

  it('a bursting process is woken in a window; a dead process’s callback inside it is dropped', async () => {
    const crashes = captureCrashReports();
    const shell = self();
    const { dead, made: leftover } = await fromDeadProcess(() =>
      AsyncResource.bind(() => send(shell, 'from the dead')),
    );
    const sender = spawn(async () => {
      for (let round = 0; round < 3; round++) {
        await receive('go');
        const known = running.proc;
        leftover();
        send(shell, ['round', round, known === procOf(self())]);
        sendBurst(shell);
      }
    });
    const windows: boolean[] = [];
    for (let round = 0; round < 3; round++) {
      send(sender, 'go');
      const [, , known] = (await receive(['round', round, _], 1000)) as [string, number, boolean];
      windows.push(known);
      expect(await drainBursts()).toBe(32);
    }
    // The first wake-up comes before any burst; the later ones in a window.
    expect(windows).toEqual([false, true, true]);
    expect(burst.proc?.pid).toBe(sender);
    expect(await receive('from the dead', 20)).toBe(TIMEOUT);
    crashes.restore();
    expect(crashes.reports).toEqual([expect.objectContaining({ level: 'warning', pid: dead })]);
    expect(running.proc).toBe(null);
  });

  it('a window ends with its job: a dead process’s code resumed right after it is dropped', async () => {
    const crashes = captureCrashReports();
    const shell = self();
    const gate = deferred<void>();
    // A process killed while it awaits something other than receive: its code resumes later.
    const dead = spawn(async () => {
      await gate.promise;
      send(shell, ['from the dead', running.proc?.pid ?? null]);
    });
    await tick();
    exit(dead, 'kill');
    const sender = spawn(async () => {
      await Promise.resolve(); // out of the first part, where sends are not counted
      sendBurst(shell); // a burst first, so that the next wake-up is in a window
      await receive('go');
      const known = running.proc === procOf(self());
      // Queues the dead process's continuation: it runs after this window's job.
      gate.resolve();
      send(shell, ['woken', known]);
    });
    await tick();
    expect(await drainBursts()).toBe(32);
    send(sender, 'go');
    expect(await receive(['woken', _], 1000)).toEqual(['woken', true]);
    expect(await receive(['from the dead', _], 20)).toBe(TIMEOUT);
    crashes.restore();
    expect(crashes.reports).toEqual([expect.objectContaining({ level: 'warning', pid: dead })]);
  });
});
