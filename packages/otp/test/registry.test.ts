import { afterEach, describe, expect, it } from 'vitest';
import {
  BadArgError,
  type DownMessage,
  ExitError,
  exit,
  type From,
  GenServer,
  type GenServerModule,
  isAlive,
  monitor,
  type Pid,
  Process,
  Registry,
  type RegistryKeys,
  type RegistryRef,
  receive,
  self,
  send,
  spawn,
  trapExit,
  whenIdle,
  whereis,
} from '../src/index.ts';
import {
  collectCrashReports,
  deferred,
  exitReason,
  inProcess,
  mailboxContents,
} from './helpers.ts';

/** Everything a test starts, killed after it so no test sees another's processes. */
let started: Pid[] = [];

afterEach(() => {
  for (const pid of started) if (isAlive(pid)) exit(pid, 'kill');
  started = [];
});

async function startRegistry(keys: RegistryKeys, name?: string): Promise<Pid> {
  const result = await Registry.start(name === undefined ? { keys } : { keys, name });
  if (result === 'ignore' || result[0] !== 'ok') throw new Error(`registry did not start`);
  started.push(result[1]);
  return result[1];
}

/** A process that registers itself under `key`, then waits for messages until killed. */
async function member(registry: RegistryRef, key: unknown, value?: unknown) {
  const registered = deferred<ReturnType<typeof Registry.register>>();
  const pid = spawn(async () => {
    registered.resolve(Registry.register(registry, key, value));
    await receive('never');
  });
  started.push(pid);
  return { pid, result: await registered.promise };
}

/** A chat room server: answers its topic, keeps what was said. */
const ChatRoom = {
  name: 'ChatRoom',
  init: (topic: string) => ['ok', { topic, said: [] as string[] }],
  handleCall: (request: 'topic' | 'said', _from: From, room) =>
    ['reply', request === 'topic' ? room.topic : room.said, room] as const,
  handleCast: (text: string, room) => ['noreply', { ...room, said: [...room.said, text] }],
} satisfies GenServerModule<{ topic: string; said: string[] }>;

async function startRoom(registry: RegistryRef, topic: string) {
  const result = await GenServer.start(ChatRoom, topic, { name: Registry.via(registry, topic) });
  if (result !== 'ignore' && result[0] === 'ok') started.push(result[1]);
  return result;
}

describe('Registry with unique keys', () => {
  collectCrashReports();

  it('registers the caller under a key; a second process gets already_registered', async () => {
    const registry = await startRegistry('unique');
    const first = await member(registry, 'alice', { status: 'online' });
    const second = await member(registry, 'alice', { status: 'away' });
    expect(first.result).toEqual(['ok', registry]);
    expect(second.result).toEqual(['error', ['already_registered', first.pid]]);
    expect(Registry.lookup(registry, 'alice')).toEqual([[first.pid, { status: 'online' }]]);
    expect(Registry.lookup(registry, 'bob')).toEqual([]);
  });

  it('refuses the holder itself a second registration under the same key', async () => {
    const registry = await startRegistry('unique');
    const got = await inProcess(() => [
      Registry.register(registry, 'alice', 1),
      Registry.register(registry, 'alice', 2),
      self(),
    ]);
    expect(got[1]).toEqual(['error', ['already_registered', got[2]]]);
  });

  it('forgets an entry the moment its process exits, so the key can be taken at once', async () => {
    const registry = await startRegistry('unique');
    const { pid } = await member(registry, 'lobby', 'first');
    const after = await inProcess(() => {
      exit(pid, 'kill');
      // Same synchronous turn as the kill: no message could have been handled in between.
      const seen = Registry.lookup(registry, 'lobby');
      return { seen, again: Registry.register(registry, 'lobby', 'second'), me: self() };
    });
    expect(after.seen).toEqual([]);
    expect(after.again).toEqual(['ok', registry]);
    expect(Registry.keys(registry, pid)).toEqual([]);
  });

  it('lets a restarted server take back its via name as soon as the old one is reported down', async () => {
    const registry = await startRegistry('unique');
    const [, old] = (await startRoom(registry, 'lobby')) as ['ok', Pid];
    const restarted = await inProcess(async () => {
      const ref = monitor(old);
      exit(old, 'crash');
      await receive((m) => (m as DownMessage).ref === ref);
      return startRoom(registry, 'lobby');
    });
    expect(restarted[0]).toBe('ok');
    const [, fresh] = restarted as ['ok', Pid];
    expect(fresh).not.toBe(old);
    expect(Registry.lookup(registry, 'lobby')).toEqual([[fresh, undefined]]);
  });

  it('updates the value the caller holds, and only that', async () => {
    const registry = await startRegistry('unique');
    const other = await member(registry, 'bob', 1);
    const got = await inProcess(() => {
      Registry.register(registry, 'alice', 1);
      return {
        updated: Registry.updateValue(registry, 'alice', (n: number) => n + 1),
        notMine: Registry.updateValue(registry, 'bob', (n: number) => n + 1),
        missing: Registry.updateValue(registry, 'carol', (n: number) => n + 1),
        values: Registry.values(registry, 'alice', self()),
      };
    });
    expect(got).toEqual({ updated: [2, 1], notMine: 'error', missing: 'error', values: [2] });
    expect(Registry.lookup(registry, 'bob')).toEqual([[other.pid, 1]]);
  });

  it('lists every live entry as [key, pid, value] in one read, and forgets the dead', async () => {
    const registry = await startRegistry('unique');
    const a = await member(registry, 'lobby', 3);
    const b = await member(registry, 'games', 1);
    expect(Registry.entries(registry)).toEqual([
      ['lobby', a.pid, 3],
      ['games', b.pid, 1],
    ]);
    exit(a.pid, 'kill');
    await whenIdle();
    expect(Registry.entries(registry)).toEqual([['games', b.pid, 1]]);
  });
});

describe('Registry with duplicate keys', () => {
  collectCrashReports();

  it('keeps every registration under a key, oldest first, the same process several times too', async () => {
    const registry = await startRegistry('duplicate');
    const a = await member(registry, 'lobby', 'a');
    const b = await member(registry, 'lobby', 'b');
    const mine = await inProcess(() => {
      Registry.register(registry, 'lobby', 'c1');
      Registry.register(registry, 'lobby', 'c2');
      return { me: self(), keys: Registry.keys(registry, self()) };
    });
    expect([a.result, b.result]).toEqual([
      ['ok', registry],
      ['ok', registry],
    ]);
    expect(mine.keys).toEqual(['lobby', 'lobby']);
    // Its process has exited since, and its two entries with it.
    await exitReason(mine.me);
    expect(Registry.lookup(registry, 'lobby')).toEqual([
      [a.pid, 'a'],
      [b.pid, 'b'],
    ]);
    expect(Registry.count(registry)).toBe(2);
  });

  it('drops only the exited process’s entries, and those of many exits together', async () => {
    const registry = await startRegistry('duplicate');
    const members = await Promise.all(
      Array.from({ length: 50 }, (_, i) => member(registry, 't', i)),
    );
    for (const { pid } of members.filter((_, i) => i % 2 === 0)) exit(pid, 'kill');
    const survivors = members.filter((_, i) => i % 2 === 1);
    expect(Registry.count(registry)).toBe(25);
    expect(Registry.lookup(registry, 't')).toEqual(survivors.map(({ pid }, i) => [pid, 2 * i + 1]));
    for (const { pid } of survivors) exit(pid, 'kill');
    expect(Registry.count(registry)).toBe(0);
    expect(Registry.lookup(registry, 't')).toEqual([]);
  });

  it('unregister removes the caller’s entries under that key only', async () => {
    const registry = await startRegistry('duplicate');
    const other = await member(registry, 'lobby', 'other');
    const got = await inProcess(() => {
      Registry.register(registry, 'lobby', 1);
      Registry.register(registry, 'lobby', 2);
      Registry.register(registry, 'games', 3);
      const linkedWhileRegistered = Process.info(self())?.links.includes(registry);
      const unregistered = Registry.unregister(registry, 'lobby');
      const keysAfterLobby = Registry.keys(registry, self());
      Registry.unregister(registry, 'games');
      Registry.unregister(registry, 'never-registered');
      return {
        unregistered,
        keysAfterLobby,
        lobby: Registry.lookup(registry, 'lobby'),
        linkedWhileRegistered,
        linkedAfter: Process.info(self())?.links.includes(registry),
      };
    });
    expect(got).toEqual({
      unregistered: 'ok',
      keysAfterLobby: ['games'],
      lobby: [[other.pid, 'other']],
      linkedWhileRegistered: true,
      linkedAfter: false,
    });
  });

  it('keeps the keys of a process that holds one, a few and many, as a Map would (NaN, -0 and 0)', async () => {
    const registry = await startRegistry('duplicate');
    const many = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const got = await inProcess(() => {
      const seen: unknown[][] = [];
      for (const key of [Number.NaN, -0, 0, Number.NaN]) Registry.register(registry, key, 'n');
      seen.push(Registry.keys(registry, self()));
      for (const key of many) Registry.register(registry, key, 'k');
      Registry.register(registry, 'k3', 'again');
      seen.push(Registry.keys(registry, self()));
      Registry.unregister(registry, 0);
      for (const key of many.slice(1)) Registry.unregister(registry, key);
      seen.push(Registry.keys(registry, self()));
      for (const key of [Number.NaN, 'k0']) Registry.unregister(registry, key);
      seen.push(Registry.keys(registry, self()));
      return {
        seen,
        linked: Process.info(self())?.links.includes(registry),
        count: Registry.count(registry),
      };
    });
    expect(got.seen).toEqual([
      [Number.NaN, Number.NaN, 0, 0],
      [Number.NaN, Number.NaN, 0, 0, ...many.slice(0, 4), 'k3', ...many.slice(4)],
      [Number.NaN, Number.NaN, 'k0'],
      [],
    ]);
    expect(got.linked).toBe(false);
    expect(got.count).toBe(0);
  });

  it('dispatch hands every entry to the callback once, in the caller, and skips empty keys', async () => {
    const registry = await startRegistry('duplicate');
    const subscribed = Array.from({ length: 100 }, (_, i) => {
      const registered = deferred();
      const pid = spawn(async () => {
        Registry.register(registry, 'lobby', i);
        registered.resolve();
        const first = await receive();
        const more = await mailboxContents();
        exit({ first, more });
      });
      started.push(pid);
      return registered.promise.then(() => pid);
    });
    const subscribers = await Promise.all(subscribed);
    const outcomes = subscribers.map(exitReason);
    let calls = 0;
    let caller: Pid | undefined;
    Registry.dispatch(registry, 'nobody-here', () => calls++);
    expect(calls).toBe(0);
    const result = Registry.dispatch(registry, 'lobby', (entries) => {
      calls++;
      caller = self();
      for (const [pid, value] of entries) send(pid, { said: 'hi', to: value });
    });
    expect(result).toBe('ok');
    expect(calls).toBe(1);
    expect(caller).toBe(self());
    const reasons = await Promise.all(outcomes);
    expect(reasons).toEqual(
      subscribers.map((_, i) => ({ first: { said: 'hi', to: i }, more: [] })),
    );
  });

  it('dispatch passes a frozen snapshot that registrations during the callback do not change', async () => {
    const registry = await startRegistry('duplicate');
    const a = await member(registry, 'lobby', 'a');
    const seen = await inProcess(() => {
      let snapshot: ReadonlyArray<readonly [Pid, unknown]> = [];
      Registry.dispatch(registry, 'lobby', (entries) => {
        Registry.register(registry, 'lobby', 'joined during dispatch');
        snapshot = entries;
      });
      return {
        snapshot: [...snapshot],
        frozen: Object.isFrozen(snapshot),
        now: Registry.count(registry),
      };
    });
    expect(seen).toEqual({ snapshot: [[a.pid, 'a']], frozen: true, now: 2 });
  });

  it('match and countMatch filter a key’s entries by their values', async () => {
    const registry = await startRegistry('duplicate');
    const alice = await member(registry, 'lobby', { role: 'admin', name: 'alice' });
    await member(registry, 'lobby', { role: 'user', name: 'bob' });
    await member(registry, 'games', { role: 'admin', name: 'carol' });
    expect(Registry.match(registry, 'lobby', { role: 'admin' })).toEqual([
      [alice.pid, { role: 'admin', name: 'alice' }],
    ]);
    expect(
      Registry.countMatch(registry, 'lobby', (v: unknown) => (v as { name: string }).name < 'c'),
    ).toBe(2);
    expect(Registry.countMatch(registry, 'nowhere', {})).toBe(0);
  });
});

describe('Registry via names', () => {
  collectCrashReports();

  it('names a GenServer for start, call and cast', async () => {
    const registry = await startRegistry('unique', 'Test.Rooms');
    const [status, pid] = (await startRoom('Test.Rooms', 'lobby')) as ['ok', Pid];
    expect(status).toBe('ok');
    const lobby = Registry.via('Test.Rooms', 'lobby');
    GenServer.cast(lobby, 'hello');
    expect(await GenServer.call(lobby, 'said')).toEqual(['hello']);
    expect(await GenServer.call(Registry.via(registry, 'lobby'), 'topic')).toBe('lobby');
    // The entry belongs to the server, not to the process that started it.
    expect(Registry.lookup(registry, 'lobby')).toEqual([[pid, undefined]]);
    expect(Registry.keys(registry, pid)).toEqual(['lobby']);
  });

  it('stores the value a via name gives', async () => {
    const registry = await startRegistry('unique');
    const result = await GenServer.start(ChatRoom, 'games', {
      name: Registry.via(registry, 'games', { capacity: 8 }),
    });
    const [, pid] = result as ['ok', Pid];
    started.push(pid);
    expect(Registry.lookup(registry, 'games')).toEqual([[pid, { capacity: 8 }]]);
  });

  it('a taken via name makes start fail with already_started', async () => {
    const registry = await startRegistry('unique');
    const [, first] = (await startRoom(registry, 'lobby')) as ['ok', Pid];
    expect(await startRoom(registry, 'lobby')).toEqual(['error', ['already_started', first]]);
    expect(Registry.count(registry)).toBe(1);
  });

  it('a call to a via name nobody holds fails with noproc; a cast does nothing', async () => {
    const registry = await startRegistry('unique');
    const nowhere = Registry.via(registry, 'nowhere');
    const failure = await GenServer.call(nowhere, 'topic').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExitError);
    expect((failure as ExitError).code).toBe('noproc');
    expect((failure as ExitError).message).toContain('Registry.via(');
    expect(() => GenServer.cast(nowhere, 'hello')).not.toThrow();
  });

  it('the name goes with the server: after it stops, calls fail with noproc', async () => {
    const registry = await startRegistry('unique');
    await startRoom(registry, 'lobby');
    await GenServer.stop(Registry.via(registry, 'lobby'));
    expect(Registry.lookup(registry, 'lobby')).toEqual([]);
    const failure = await GenServer.call(Registry.via(registry, 'lobby'), 'topic').catch((e) => e);
    expect((failure as ExitError).code).toBe('noproc');
  });

  it('only unique registries can hold via names', async () => {
    const registry = await startRegistry('duplicate');
    expect(() => Registry.via(registry, 'lobby')).toThrow(BadArgError);
  });
});

describe('the registry process', () => {
  collectCrashReports();

  it('is found by its name, shows as a registry, and survives its members’ crashes', async () => {
    const pid = await startRegistry('duplicate', 'Test.PubSub');
    expect(whereis('Test.PubSub')).toBe(pid);
    expect(Process.info(pid)?.behaviour).toBe('registry');
    const crasher = await member('Test.PubSub', 'lobby');
    exit(crasher.pid, 'boom');
    await whenIdle(); // the registry has handled the trapped EXIT
    expect(isAlive(pid)).toBe(true);
    expect(Registry.count('Test.PubSub')).toBe(0);
  });

  it('takes its tables with it when it stops, and its crash takes its members along', async () => {
    const registry = await startRegistry('unique', 'Test.Gone');
    const { pid: memberPid } = await member(registry, 'alice');
    const memberExit = exitReason(memberPid);
    // An EXIT from an unrelated process is only info to a trapping server; `kill` is not.
    exit(registry, 'kill');
    expect(await memberExit).toBe('killed');
    expect(() => Registry.lookup('Test.Gone', 'alice')).toThrow(/unknown registry/);
    expect(() => Registry.lookup(registry, 'alice')).toThrow(BadArgError);
  });

  it('keeps settings given at start as meta, read and changed like Elixir’s meta/put_meta', async () => {
    const result = await Registry.start({ keys: 'unique', meta: { limit: 100 } });
    if (result === 'ignore' || result[0] !== 'ok') throw new Error('registry did not start');
    started.push(result[1]);
    expect(Registry.meta(result[1], 'limit')).toEqual(['ok', 100]);
    expect(Registry.meta(result[1], 'other')).toBe('error');
    Registry.putMeta(result[1], 'other', 'x');
    expect(Registry.meta(result[1], 'other')).toEqual(['ok', 'x']);
    exit(result[1], 'kill');
    expect(() => Registry.meta(result[1], 'limit')).toThrow(/unknown registry/);
  });

  it('rejects a start without a valid keys option', async () => {
    await expect(Registry.start({ keys: 'many' as RegistryKeys })).rejects.toThrow(BadArgError);
  });

  it('counts 10,000 keys registered by 10,000 processes, and forgets them as they go', async () => {
    const registry = await startRegistry('unique');
    const members = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) => member(registry, `user-${i}`, i)),
    );
    expect(members.every(({ result }) => result[0] === 'ok')).toBe(true);
    expect(Registry.count(registry)).toBe(10_000);
    expect(Registry.lookup(registry, 'user-9999')).toEqual([[members[9999]?.pid, 9999]]);
    const leaving = members.slice(0, 4000);
    for (const { pid } of leaving) exit(pid, 'kill');
    expect(Registry.count(registry)).toBe(6000);
    expect(Registry.lookup(registry, 'user-0')).toEqual([]);
  });

  it('counts 10,000 keys of one process and drops them all when it exits', async () => {
    const registry = await startRegistry('duplicate');
    const registered = deferred();
    const holder = spawn(async () => {
      for (let i = 0; i < 10_000; i++) Registry.register(registry, i % 2500, i);
      registered.resolve();
      await receive('never');
    });
    started.push(holder);
    await registered.promise;
    expect(Registry.count(registry)).toBe(10_000);
    expect(Registry.keys(registry, holder)).toHaveLength(10_000);
    expect(Registry.values(registry, 7, holder)).toEqual([7, 2507, 5007, 7507]);
    exit(holder, 'kill');
    expect(Registry.count(registry)).toBe(0);
    expect(Registry.lookup(registry, 7)).toEqual([]);
  });

  it('lets a trapping member outlive a registry that stops cleanly', async () => {
    const registry = await startRegistry('unique');
    const got = await inProcess(async () => {
      trapExit(true);
      Registry.register(registry, 'alice', 1);
      await GenServer.stop(registry);
      return await receive((m) => (m as { type?: string }).type === 'EXIT', 1000);
    });
    expect(got).toEqual({ type: 'EXIT', from: registry, reason: 'normal' });
  });
});

describe('Registry links', () => {
  collectCrashReports();

  it('a registry started without a link survives its starter registering and returning', async () => {
    const registry = await inProcess(async () => {
      const result = await Registry.start({ keys: 'unique', name: 'review.registry' });
      if (result === 'ignore' || result[0] !== 'ok') throw new Error('registry did not start');
      Registry.register('review.registry', 'me', null);
      return result[1];
    });
    started.push(registry);
    await whenIdle();
    expect(isAlive(registry)).toBe(true);
    expect(whereis('review.registry')).toBe(registry);
  });

  it('unregistering the last key keeps a link the process had before registering', async () => {
    const links = await inProcess(async () => {
      const result = await Registry.startLink({ keys: 'unique' });
      if (result === 'ignore' || result[0] !== 'ok') throw new Error('registry did not start');
      const registry = result[1];
      started.push(registry);
      Registry.register(registry, 'key', null);
      Registry.unregister(registry, 'key');
      const linked = Process.info(self())?.links.includes(registry);
      trapExit(true); // so that killing the registry below only sends this process a message
      exit(registry, 'kill');
      const down = await receive({ type: 'EXIT', from: registry }, 2000);
      return { linked, down };
    });
    expect(links.linked).toBe(true);
    expect(links.down).toMatchObject({ type: 'EXIT', reason: 'killed' });
  });
});
