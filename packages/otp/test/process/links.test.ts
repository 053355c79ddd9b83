import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  type ExitError,
  type ExitMessage,
  exit,
  isAlive,
  link,
  type Pid,
  Process,
  receive,
  self,
  send,
  spawn,
  spawnLink,
  trapExit,
  unlink,
  whenIdle,
} from '../../src/index.ts';
import { collectCrashReports, deferred, exitReason, inProcess } from '../helpers.ts';

/** A process that waits for messages until something kills it. */
function idle() {
  return spawn(() => receive('never'));
}

describe('links', () => {
  collectCrashReports();

  it('are bidirectional: both ends list each other', async () => {
    const other = idle();
    const got = await inProcess(() => {
      link(other);
      return { mine: Process.info(self())?.links, theirs: Process.info(other)?.links, me: self() };
    });
    expect(got.mine).toEqual([other]);
    expect(got.theirs).toEqual([got.me]);
    // When the linker exits (normally), the link goes at the other end too.
    await exitReason(got.me);
    expect(Process.info(other)?.links).toEqual([]);
    exit(other, 'kill');
  });

  it('an abnormal exit kills a linked process that does not trap exits, in either direction', async () => {
    // Child dies, parent follows.
    const parent = spawn(async () => {
      spawnLink(() => exit('boom'));
      await receive('never');
    });
    expect(await exitReason(parent)).toBe('boom');
    // Parent dies, child follows.
    const spawned = deferred<Pid>();
    const parent2 = spawn(async () => {
      spawned.resolve(spawnLink(() => receive('never')));
      await receive('go');
      exit('crash');
    });
    const childGone = exitReason(await spawned.promise);
    send(parent2, 'go');
    expect(await childGone).toBe('crash');
  });

  it('a normal exit kills nobody', async () => {
    const survivor = spawn(async () => {
      spawnLink(() => {});
      await receive('never');
    });
    const watcher = exitReason(survivor);
    const result = await inProcess(async () => {
      // Give the linked child every chance to run and exit.
      for (let i = 0; i < 5; i++) await receive(undefined, 1);
      return isAlive(survivor);
    });
    expect(result).toBe(true);
    exit(survivor, 'kill');
    expect(await watcher).toBe('killed');
  });

  it('trapped exits arrive as { type: EXIT, from, reason } messages', async () => {
    const got = await inProcess(async () => {
      trapExit(true);
      const crasher = spawnLink(() => exit('bad'));
      const normal = spawnLink(() => {});
      const messages = [await receive({ from: crasher }), await receive({ from: normal })];
      return { messages, crasher, normal, alive: isAlive(self()) };
    });
    expect(got.messages).toEqual([
      { type: 'EXIT', from: got.crasher, reason: 'bad' },
      { type: 'EXIT', from: got.normal, reason: 'normal' },
    ]);
    expect(got.alive).toBe(true);
  });

  it('a thrown error is the exit reason a trapping linked process sees', async () => {
    const reason = await inProcess(async () => {
      trapExit(true);
      spawnLink(() => {
        throw new Error('oops');
      });
      return ((await receive({ type: 'EXIT' })) as ExitMessage).reason;
    });
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).toBe('oops');
  });

  it('link to a dead pid gives noproc: a trapping caller gets an EXIT message', async () => {
    const dead = spawn(() => {});
    await exitReason(dead);
    const message = await inProcess(async () => {
      trapExit(true);
      link(dead);
      return receive(undefined, 100);
    });
    expect(message).toEqual({ type: 'EXIT', from: dead, reason: 'noproc' });
  });

  it('link to a dead pid gives noproc: a caller that does not trap gets an exception it can catch', async () => {
    const dead = spawn(() => {});
    await exitReason(dead);
    const got = await inProcess(() => {
      try {
        link(dead);
        return 'linked';
      } catch (error) {
        return { code: (error as ExitError).code, alive: isAlive(self()) };
      }
    });
    expect(got).toEqual({ code: 'noproc', alive: true });
  });

  it('unlink stops propagation both ways', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const child = spawnLink(async () => {
        await receive('die');
        exit('boom');
      });
      unlink(child);
      const childReason = exitReason(child);
      send(child, 'die');
      const reason = await childReason;
      return { reason, alive: isAlive(me), links: Process.info(me)?.links };
    });
    expect(got).toEqual({ reason: 'boom', alive: true, links: [] });
  });

  it('spawnLink is atomic: a child that crashes at once still takes the parent', async () => {
    const parent = spawn(async () => {
      spawnLink(() => {
        throw new Error('at once');
      });
      await receive('never');
    });
    const reason = await exitReason(parent);
    expect((reason as Error).message).toBe('at once');
  });

  it('a chain of 10,000 linked processes dies without overflowing the stack', async () => {
    const length = 10_000;
    const ready = await inProcess(async () => {
      const me = self();
      // Each process links the next one, and the last one says it is there.
      const grow = async (depth: number): Promise<void> => {
        if (depth < length) spawnLink(() => grow(depth + 1));
        else send(me, 'chain complete');
        await receive('never');
      };
      const head = spawn(() => grow(1));
      await receive('chain complete');
      return { head, count: Process.count() };
    });
    expect(ready.count).toBeGreaterThanOrEqual(length);
    const reason = exitReason(ready.head);
    exit(ready.head, 'chain');
    expect(await reason).toBe('chain');
    // (+1: the watcher behind exitReason may still be finishing.)
    expect(Process.count()).toBeLessThanOrEqual(ready.count - length + 1);
  });
});

describe('exit propagation', () => {
  collectCrashReports();

  // Not a speed test: it compares two costs measured in the same run, on the same heap. Spawning
  // N linked processes is linear by construction; killing their hub, which takes all N down in
  // that one `exit` call, must cost less. A queue of pending exits taken from the front with
  // Array#shift copies what is left of it at every step: at 200,000 links the kill then costs
  // twice the spawning (seconds), where a linear queue costs a tenth of it. CPU time of this
  // process, after a full collection, so that other load on the machine does not count.
  it('a process linked to 200,000 others takes them all down in linear time', async () => {
    const fanOut = 200_000;
    const ready = deferred();
    collectGarbage();
    const spawnStarted = cpuMs();
    const hub = spawn(async () => {
      for (let i = 0; i < fanOut; i++) spawnLink(() => receive('never'));
      ready.resolve();
      await receive('never');
    });
    await ready.promise;
    await whenIdle();
    const spawning = cpuMs() - spawnStarted;
    const before = Process.count();

    collectGarbage();
    const killStarted = cpuMs();
    exit(hub, 'kill');
    const killing = cpuMs() - killStarted;

    expect(Process.count()).toBe(before - fanOut - 1);
    expect(killing).toBeLessThan(spawning);
  });
});

/** CPU time this process has used, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A full garbage collection, so that a measure does not pay for garbage made before it. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
