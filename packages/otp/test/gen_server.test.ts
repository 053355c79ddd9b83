import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type CrashReport,
  captureCrashReports,
  type ExitError,
  exit,
  type From,
  flush,
  formatCrashReport,
  GenServer,
  type GenServerModule,
  isAlive,
  type NameRegistry,
  type Pid,
  Process,
  receive,
  self,
  send,
  sendAfter,
  spawn,
  trapExit,
  whereis,
} from '../src/index.ts';
import {
  collectCrashReports,
  deferred,
  drainShell,
  exitReason,
  inProcess,
  mailboxContents,
  tick,
} from './helpers.ts';

/** A counter: call 'get', cast 'bump', info messages counted apart. */
const Counter = {
  name: 'Counter',
  init: (start: number) => ['ok', start] as const,
  handleCall: (request: string, _from: From, n: number) =>
    request === 'get' ? (['reply', n, n] as const) : (['reply', 'unknown', n] as const),
  handleCast: (_request: 'bump', n: number) => ['noreply', n + 1] as const,
} satisfies GenServerModule<number, number>;

async function started(result: Promise<unknown>): Promise<Pid> {
  const answer = await result;
  if (!Array.isArray(answer) || answer[0] !== 'ok') throw new Error(`start gave ${answer}`);
  return answer[1] as Pid;
}

/** The ExitError a promise rejects with. */
async function exitErrorOf(promise: Promise<unknown>): Promise<ExitError> {
  try {
    await promise;
  } catch (error) {
    return error as ExitError;
  }
  throw new Error('expected the call to fail');
}

/** Two processes that bounce a message back and forth until stopped: load for the scheduler. */
function pingPong(): { stop(): void } {
  const bounce = async (): Promise<void> => {
    for (;;) {
      const [peer, n] = (await receive()) as [Pid, number];
      if (n < 0) return;
      send(peer, [self(), n + 1]);
    }
  };
  const a = spawn(bounce);
  const b = spawn(bounce);
  send(a, [b, 0]);
  return {
    stop: () => {
      exit(a, 'kill');
      exit(b, 'kill');
    },
  };
}

describe('GenServer: starting', () => {
  const crashes = collectCrashReports();

  it('start returns the pid of a running server, and call and cast reach it', async () => {
    const pid = await started(GenServer.start(Counter, 41));
    GenServer.cast(pid, 'bump');
    expect(await GenServer.call(pid, 'get')).toBe(42);
    expect(Process.info(pid)?.behaviour).toBe('gen_server');
    await GenServer.stop(pid);
  });

  it('startLink with a name registers the server under it and links it to the caller', async () => {
    const got = await inProcess(async () => {
      const pid = await started(GenServer.startLink(Counter, 1, { name: 'named_counter' }));
      const answer = await GenServer.call('named_counter', 'get');
      return { pid, answer, where: whereis('named_counter'), links: Process.info(self())?.links };
    });
    expect(got.where).toBe(got.pid);
    expect(got.answer).toBe(1);
    expect(got.links).toEqual([got.pid]);
    // The starter has exited normally: a normal exit does not take the server down.
    await tick();
    expect(isAlive(got.pid)).toBe(true);
    await GenServer.stop('named_counter');
    expect(whereis('named_counter')).toBeUndefined();
  });

  it('a name that is taken gives already_started with the holder, and no process is spawned', async () => {
    const first = await started(GenServer.start(Counter, 0, { name: 'only_one' }));
    const second = await inProcess(async () => {
      trapExit(true);
      const before = Process.count();
      const starting = GenServer.startLink(Counter, 0, { name: 'only_one' });
      const spawned = Process.count() - before;
      // As OTP's gen:start, the name is looked up first: no server ran, so no EXIT comes.
      return { result: await starting, mailbox: await mailboxContents(), spawned };
    });
    expect(second).toEqual({
      result: ['error', ['already_started', first]],
      mailbox: [],
      spawned: 0,
    });
    await GenServer.stop(first);
  });

  // Checked against OTP 25: gen_server:start_link whose init returns {stop, R}, throws or calls
  // exit(R) answers {error, R}; the server exits with R, still linked to the caller.
  it('init returning stop: start answers the error, and kills a linked caller that does not trap exits', async () => {
    const returned = deferred<unknown>();
    const caller = spawn(async () => {
      returned.resolve(
        await GenServer.startLink({ init: () => ['stop', 'no_config'] as const }, null),
      );
    });
    expect(await exitReason(caller)).toBe('no_config');
    expect(await returned.promise).toEqual(['error', 'no_config']);
  });

  it('init returning stop: a linked caller that traps exits gets the error, then the EXIT', async () => {
    const got = await inProcess(async () => {
      trapExit(true);
      const result = await GenServer.startLink(
        { init: () => ['stop', 'no_config'] as const },
        null,
      );
      return { result, mailbox: await mailboxContents(), links: Process.info(self())?.links };
    });
    expect(got).toEqual({
      result: ['error', 'no_config'],
      mailbox: [{ type: 'EXIT', from: expect.anything(), reason: 'no_config' }],
      links: [],
    });
  });

  it('init calling exit(reason): start answers the bare reason, and the server exits with it', async () => {
    const watched = deferred<Pid>();
    const gate = deferred();
    const starting = GenServer.start(
      {
        init: async () => {
          watched.resolve(self());
          await gate.promise;
          exit({ missing: 'config' });
        },
      },
      null,
    );
    const reason = exitReason(await watched.promise);
    gate.resolve();
    expect(await starting).toEqual(['error', { missing: 'config' }]);
    expect(await reason).toEqual({ missing: 'config' });
    // exit(reason) in a linked init kills a caller that does not trap exits, with that reason.
    const caller = spawn(() => GenServer.startLink({ init: () => exit('gone') }, null));
    expect(await exitReason(caller)).toBe('gone');
  });

  it('init returning ignore makes start return ignore, and the server is gone', async () => {
    const before = Process.count();
    const got = await inProcess(async () => {
      trapExit(true);
      const result = await GenServer.startLink({ init: () => 'ignore' as const }, null);
      return { result, mailbox: await mailboxContents() };
    });
    // As in OTP, the server exits normal: a caller that traps exits sees that too.
    expect(got).toEqual({
      result: 'ignore',
      mailbox: [{ type: 'EXIT', from: expect.anything(), reason: 'normal' }],
    });
    await tick();
    expect(Process.count()).toBe(before);
  });

  it('init throwing makes start return the error and report it; the error kills a linked caller', async () => {
    const returned = deferred<unknown>();
    const caller = spawn(async () => {
      const init = async () => {
        await tick();
        throw new Error('init failed');
      };
      returned.resolve(await GenServer.startLink({ init }, null));
    });
    const reason = await exitReason(caller);
    expect((reason as Error).message).toBe('init failed');
    expect(await returned.promise).toEqual(['error', reason]);
    expect(crashes.reports).toEqual([
      expect.objectContaining({ kind: 'gen_server', context: 'while running init' }),
    ]);
  });

  it('init returning something else makes start return bad_return_value', async () => {
    const result = await GenServer.start({ init: () => ['okay', 1] as unknown as ['ok', 1] }, null);
    expect(result).toEqual(['error', ['bad_return_value', ['okay', 1]]]);
    const nothing = await GenServer.start({ init: () => undefined as unknown as 'ignore' }, null);
    expect(nothing).toEqual(['error', ['bad_return_value', undefined]]);
  });

  it('a via name registers the server in the given registry, and a second start finds it taken', async () => {
    const names = new Map<unknown, Pid>();
    const registry: NameRegistry = {
      registerName: (key, pid) => {
        const holder = names.get(key);
        if (holder !== undefined && isAlive(holder)) return holder;
        names.set(key, pid);
        return undefined;
      },
      whereisName: (key) => {
        const pid = names.get(key);
        return pid !== undefined && isAlive(pid) ? pid : undefined;
      },
    };
    const name = { via: registry, key: ['room', 'lobby'] };
    const pid = await started(GenServer.start(Counter, 7, { name }));
    expect(names.get(name.key)).toBe(pid);
    expect(await GenServer.call(name, 'get')).toBe(7);
    expect(await GenServer.start(Counter, 0, { name })).toEqual([
      'error',
      ['already_started', pid],
    ]);
    await GenServer.stop(name);
    expect((await exitErrorOf(GenServer.call(name, 'get'))).code).toBe('noproc');
  });
});

describe('GenServer: calls', () => {
  const crashes = collectCrashReports();

  /** Replies to 'slow' after `gate` opens; answers 'ping' at once. */
  function slowServer(gate: Promise<void>) {
    return {
      init: () => ['ok', null] as const,
      handleCall: async (request: string, _from: From, state: null) => {
        if (request === 'slow') await gate;
        return ['reply', `${request} done`, state] as const;
      },
    } satisfies GenServerModule<null>;
  }

  it('a call times out with code timeout, and the late reply never reaches the mailbox', async () => {
    const gate = deferred();
    const pid = await started(GenServer.start(slowServer(gate.promise), null));
    const got = await inProcess(async () => {
      const error = await exitErrorOf(GenServer.call(pid, 'slow', 20));
      gate.resolve();
      // The server handles one message at a time: once 'ping' is answered, 'slow' was too.
      const ping = await GenServer.call(pid, 'ping');
      return { code: error.code, reason: error.reason, ping, mailbox: await mailboxContents() };
    });
    expect(got).toEqual({ code: 'timeout', reason: 'timeout', ping: 'ping done', mailbox: [] });
    await GenServer.stop(pid);
  });

  it('a reply that lands between the timeout and the caller resuming is dropped too', async () => {
    // The server answers from a timer due at the same moment as the caller's timeout. A ping-pong
    // flood keeps the scheduler's budget spent, so both wake-ups wait for the next turn of the
    // event loop and the server's runs first: its reply arrives after the call has timed out but
    // before the caller has resumed. Whichever way each round goes, nothing may be left behind.
    const Answering = {
      init: () => ['ok', null as From | null] as const,
      handleCall: (_r: unknown, from: From) => ['noreply', from] as const,
      handleInfo: (_m: unknown, from: From | null) => {
        if (from) GenServer.reply(from, 'late');
        return ['noreply', null] as const;
      },
    } satisfies GenServerModule<From | null>;
    const pid = await started(GenServer.start(Answering, null));
    const flood = pingPong();
    const rounds = await inProcess(async () => {
      const outcomes: unknown[] = [];
      for (let round = 0; round < 20; round++) {
        sendAfter(pid, 'answer now', 5);
        const outcome = await GenServer.call(pid, 'wait', 5).catch((e: ExitError) => e.code);
        outcomes.push({ outcome, mailbox: await mailboxContents() });
      }
      return outcomes;
    });
    flood.stop();
    for (const round of rounds) expect(round).toMatchObject({ mailbox: [] });
    await GenServer.stop(pid);
  });

  it('the default call timeout is 5000 ms', async () => {
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', null] as const,
          handleCall: (_r: unknown, _f: From, s: null) => ['noreply', s] as const,
        },
        null,
      ),
    );
    const got = await inProcess(async () => {
      const began = performance.now();
      const error = await exitErrorOf(GenServer.call(pid, 'never answered'));
      return { code: error.code, waited: performance.now() - began };
    });
    expect(got.code).toBe('timeout');
    // A timer never fires early, so this lower bound holds on any machine; no upper bound.
    expect(got.waited).toBeGreaterThanOrEqual(4900);
    await GenServer.stop(pid);
  });

  it('a call to a dead pid, or to a name nobody has, fails with noproc', async () => {
    const pid = await started(GenServer.start(Counter, 0));
    await GenServer.stop(pid);
    expect((await exitErrorOf(GenServer.call(pid, 'get'))).code).toBe('noproc');
    expect((await exitErrorOf(GenServer.call('no_such_server', 'get'))).code).toBe('noproc');
  });

  it('if the server dies during the call, the caller gets its exit reason', async () => {
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', null] as const,
          handleCall: async () => {
            await tick();
            throw new Error('died mid-call');
          },
        },
        null,
      ),
    );
    const error = await exitErrorOf(GenServer.call(pid, 'anything'));
    expect(error.reason).toBeInstanceOf(Error);
    expect((error.reason as Error).message).toBe('died mid-call');
    expect(error.code).toBe('exit');
    expect(crashes.reports.map((r) => r.kind)).toContain('gen_server');
  });

  it('a server killed during a call gives the caller killed', async () => {
    const inHandler = deferred();
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', null] as const,
          handleCall: async () => {
            inHandler.resolve();
            await new Promise(() => {}); // never returns
            return ['reply', 'never', null] as const;
          },
        },
        null,
      ),
    );
    const call = exitErrorOf(GenServer.call(pid, 'hang'));
    await inHandler.promise;
    exit(pid, 'kill');
    expect((await call).reason).toBe('killed');
  });

  it('a server calling itself fails with calling_self', async () => {
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', null] as const,
          handleCall: async (_r: unknown, _f: From, s: null) => {
            const error = await exitErrorOf(GenServer.call(self(), 'again'));
            return ['reply', error.code, s] as const;
          },
        },
        null,
      ),
    );
    expect(await GenServer.call(pid, 'go')).toBe('calling_self');
    await GenServer.stop(pid);
  });

  it('a reply can be deferred: noreply now, GenServer.reply(from, v) from a later message', async () => {
    type State = { waiting: From[] };
    const Latch = {
      init: () => ['ok', { waiting: [] }] as const,
      handleCall: (request: string, from: From, state: State) => {
        if (request === 'wait') return ['noreply', { waiting: [...state.waiting, from] }] as const;
        return ['reply', state.waiting.length, state] as const;
      },
      handleCast: (value: string, state: State) => {
        for (const from of state.waiting) GenServer.reply(from, value);
        return ['noreply', { waiting: [] }] as const;
      },
    } satisfies GenServerModule<State>;
    const pid = await started(GenServer.start(Latch, null));
    const answers = [
      inProcess(() => GenServer.call(pid, 'wait')),
      inProcess(() => GenServer.call(pid, 'wait')),
    ];
    // 'count' is handled after both 'wait's, since the server handles messages in order.
    await vi.waitFor(async () => expect(await GenServer.call(pid, 'count')).toBe(2));
    GenServer.cast(pid, 'open');
    expect(await Promise.all(answers)).toEqual(['open', 'open']);
    await GenServer.stop(pid);
  });

  it('async handlers run one message at a time, even with many concurrent callers', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const Serial = {
      init: () => ['ok', [] as number[]] as const,
      handleCall: async (n: number, _from: From, seen: number[]) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await tick();
        await Promise.resolve();
        running--;
        return ['reply', [...seen, n], [...seen, n]] as const;
      },
    } satisfies GenServerModule<number[]>;
    const pid = await started(GenServer.start(Serial, null));
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, n) => inProcess(() => GenServer.call(pid, n))),
    );
    expect(mostAtOnce).toBe(1);
    // Each reply is the list so far: every call saw all earlier ones complete.
    const lengths = replies.map((r) => (r as number[]).length).sort((a, b) => a - b);
    expect(lengths).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await GenServer.stop(pid);
  });

  it('a handleCall returning something else crashes the server with bad_return_value', async () => {
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', null] as const,
          handleCall: () => ['replied', 1] as unknown as ['noreply', null],
        },
        null,
      ),
    );
    const error = await exitErrorOf(GenServer.call(pid, 'x'));
    expect(error.reason).toEqual(['bad_return_value', ['replied', 1]]);
    expect(crashes.reports).toEqual([expect.objectContaining({ kind: 'gen_server', pid })]);
  });

  it('GenServer.stop of a server that is not there fails with noproc', async () => {
    expect((await exitErrorOf(GenServer.stop('no_server_to_stop'))).code).toBe('noproc');
  });
});

describe('GenServer: casts and other messages', () => {
  collectCrashReports();

  it('cast returns at once; the server handles it in order with calls', async () => {
    const pid = await started(GenServer.start(Counter, 0));
    for (let i = 0; i < 5; i++) expect(GenServer.cast(pid, 'bump')).toBeUndefined();
    expect(await GenServer.call(pid, 'get')).toBe(5);
    await GenServer.stop(pid);
  });

  it('cast to a server that is not there does nothing', async () => {
    expect(() => GenServer.cast('not_there', 'bump')).not.toThrow();
  });

  it('plain messages go to handleInfo', async () => {
    const Info = {
      init: () => ['ok', [] as unknown[]] as const,
      handleInfo: (message: unknown, seen: unknown[]) => ['noreply', [...seen, message]] as const,
      handleCall: (_r: unknown, _f: From, seen: unknown[]) => ['reply', seen, seen] as const,
    } satisfies GenServerModule<unknown[]>;
    const pid = await started(GenServer.start(Info, null));
    send(pid, 'hello');
    send(pid, { type: 'tick', n: 1 });
    expect(await GenServer.call(pid, 'seen')).toEqual(['hello', { type: 'tick', n: 1 }]);
    await GenServer.stop(pid);
  });

  // As Elixir's default handle_info: "received unexpected message in handle_info/2".
  it('a message to a server without handleInfo is dropped and reported; the server goes on', async () => {
    const crashes = captureCrashReports();
    onTestFinished(() => crashes.restore());
    const pid = await started(GenServer.start(Counter, 1, { name: 'no_info' }));
    send(pid, { type: 'stray', n: 1 });
    expect(await GenServer.call(pid, 'get')).toBe(1);
    expect(crashes.reports).toEqual([
      {
        kind: 'gen_server',
        level: 'error',
        pid,
        name: 'no_info',
        reason: { type: 'stray', n: 1 },
        context: 'received a message and Counter has no handleInfo',
      },
    ]);
    expect(formatCrashReport(crashes.reports[0] as CrashReport)).toBe(
      `=ERROR REPORT= gen_server ${pid} (no_info) received a message and Counter has no ` +
        "handleInfo: { type: 'stray', n: 1 }",
    );
    await GenServer.stop(pid);
  });
});

describe('GenServer: stopping', () => {
  const crashes = collectCrashReports();

  function recording(log: unknown[]) {
    return {
      init: (state: string) => ['ok', state] as const,
      handleCall: (request: string, _from: From, state: string) =>
        request === 'stop'
          ? (['stop', 'normal', 'stopping', state] as const)
          : (['reply', state, state] as const),
      handleCast: (request: string, state: string) => {
        if (request === 'crash') throw new Error('handler crashed');
        return ['stop', request, state] as const;
      },
      terminate: (reason: unknown, state: string) => {
        log.push([reason, state]);
      },
    } satisfies GenServerModule<string, string>;
  }

  it('GenServer.stop runs terminate with the reason and returns once the server is gone', async () => {
    const log: unknown[] = [];
    const pid = await started(GenServer.start(recording(log), 'state'));
    await GenServer.stop(pid, 'shutdown');
    expect(log).toEqual([['shutdown', 'state']]);
    expect(isAlive(pid)).toBe(false);
    expect(crashes.reports).toEqual([]);
  });

  it('a handler returning stop with a reply answers the caller, then terminates', async () => {
    const log: unknown[] = [];
    const pid = await started(GenServer.start(recording(log), 'state'));
    const gone = exitReason(pid);
    expect(await GenServer.call(pid, 'stop')).toBe('stopping');
    expect(await gone).toBe('normal');
    expect(log).toEqual([['normal', 'state']]);
  });

  it('a crash in a handler runs terminate with the error, reports it, and exits with it', async () => {
    const log: unknown[] = [];
    const pid = await started(GenServer.start(recording(log), 'state'));
    const gone = exitReason(pid);
    GenServer.cast(pid, 'crash');
    const reason = await gone;
    expect(reason).toBeInstanceOf(Error);
    expect(log).toEqual([[reason, 'state']]);
    expect(crashes.reports).toEqual([expect.objectContaining({ kind: 'gen_server', pid, reason })]);
    expect(crashes.reports[0]?.context).toMatch(/last message/);
  });

  it('a parent that traps exits can shut down a trapping server with an exit signal', async () => {
    const log: unknown[] = [];
    const Trapping = {
      ...recording(log),
      init: (state: string) => {
        trapExit(true);
        return ['ok', state] as const;
      },
    };
    const got = await inProcess(async () => {
      trapExit(true);
      const pid = await started(GenServer.startLink(Trapping, 'state'));
      exit(pid, 'shutdown');
      return { pid, message: await receive({ type: 'EXIT' }, 1000) };
    });
    expect(log).toEqual([['shutdown', 'state']]);
    expect(got.message).toEqual({ type: 'EXIT', from: got.pid, reason: 'shutdown' });
  });

  it('an EXIT from a process other than the parent goes to handleInfo', async () => {
    const seen: unknown[] = [];
    const pid = await started(
      GenServer.start(
        {
          init: () => {
            trapExit(true);
            return ['ok', null] as const;
          },
          handleInfo: (message: unknown, state: null) => {
            seen.push(message);
            return ['noreply', state] as const;
          },
          handleCall: (_r: unknown, _f: From, s: null) => ['reply', 'ok', s] as const,
        },
        null,
      ),
    );
    const stranger = await inProcess(() => {
      exit(pid, 'go away');
      return self();
    });
    await GenServer.call(pid, 'sync');
    expect(seen).toEqual([{ type: 'EXIT', from: stranger, reason: 'go away' }]);
    expect(isAlive(pid)).toBe(true);
    await GenServer.stop(pid);
  });
});

describe('GenServer: killed while a callback awaits', () => {
  collectCrashReports();

  /** A server whose handleCast awaits `gate`, then returns `result`; terminate is logged. */
  async function gatedServer(gate: Promise<void>, result: readonly unknown[], log: unknown[]) {
    const inHandler = deferred();
    const pid = await started(
      GenServer.start(
        {
          init: () => ['ok', 'state'] as const,
          handleCast: async () => {
            inHandler.resolve();
            await gate;
            return result as ['noreply', string];
          },
          terminate: (reason: unknown) => {
            log.push(reason);
          },
        },
        null,
      ),
    );
    GenServer.cast(pid, 'go');
    await inHandler.promise;
    return pid;
  }

  it('a server killed in an async handler runs no terminate when the handler returns', async () => {
    const log: unknown[] = [];
    const gate = deferred();
    const pid = await gatedServer(gate.promise, ['stop', 'normal', 'state'], log);
    exit(pid, 'kill');
    gate.resolve();
    for (let i = 0; i < 3; i++) await tick();
    expect(log).toEqual([]);
  });

  it('a server killed in an async handler does not wait for messages again (flush still waits for busy processes)', async () => {
    const gate = deferred();
    const pid = await gatedServer(gate.promise, ['noreply', 'state'], []);
    exit(pid, 'kill');
    gate.resolve();
    for (let i = 0; i < 3; i++) await tick();
    // Had the dead server gone back to receive, the idle count would be off by one, and flush
    // would return before the busy relay below sends its message.
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await drainShell();
      const shell = self();
      spawn(async () => {
        for (let i = 0; i < 3; i++) await tick();
        send(shell, 'relay done');
      });
      await flush();
      expect(printed.mock.calls).toEqual([["'relay done'"]]);
    } finally {
      printed.mockRestore();
    }
  });

  it('a server killed in an async init acknowledges nothing: the starter sees killed and no stray message', async () => {
    const gate = deferred();
    const server = deferred<Pid>();
    const got = await inProcess(async () => {
      const starting = GenServer.start(
        {
          init: async () => {
            server.resolve(self());
            await gate.promise;
            return ['ok', null] as const;
          },
        },
        null,
      );
      const pid = await server.promise;
      exit(pid, 'kill');
      const result = await starting;
      gate.resolve();
      for (let i = 0; i < 3; i++) await tick();
      return { result, mailbox: await mailboxContents() };
    });
    expect(got).toEqual({ result: ['error', 'killed'], mailbox: [] });
  });
});

describe('GenServer: OTP rules found in review', () => {
  const crashes = collectCrashReports();

  it('a server started without a link is its own parent: its starter’s EXIT is just info', async () => {
    const infos: unknown[] = [];
    const Trapper = {
      init: () => {
        trapExit(true);
        return ['ok', null] as const;
      },
      handleCall: (_request: 'ping', _from: From, state: null) => ['reply', 'pong', state] as const,
      handleInfo: (message: unknown, state: null) => {
        infos.push(message);
        return ['noreply', state] as const;
      },
    } satisfies GenServerModule<null, void>;
    const server = await inProcess(async () => {
      const pid = await started(GenServer.start(Trapper, undefined));
      exit(pid, 'going away'); // the starter signals the server it did not link to
      return pid;
    });
    // A round trip: the EXIT, sent before the call, has been handled by now.
    expect(await GenServer.call(server, 'ping')).toBe('pong');
    expect(isAlive(server)).toBe(true);
    expect(infos).toEqual([{ type: 'EXIT', from: expect.anything(), reason: 'going away' }]);
    exit(server, 'kill');
  });

  it('GenServer.stop of the server itself fails with calling_self instead of hanging', async () => {
    let stopError: unknown;
    const SelfStopper = {
      init: () => ['ok', null] as const,
      handleCall: async (_request: 'stop yourself', _from: From, state: null) => {
        stopError = await GenServer.stop(self()).catch((error: unknown) => error);
        return ['reply', 'done', state] as const;
      },
    } satisfies GenServerModule<null, void>;
    const server = await started(GenServer.start(SelfStopper, undefined));
    expect(await GenServer.call(server, 'stop yourself', 2000)).toBe('done');
    expect((stopError as ExitError).code).toBe('calling_self');
    exit(server, 'kill');
  });

  it('an error thrown in terminate becomes the exit reason', async () => {
    const Fragile = {
      init: () => ['ok', null] as const,
      terminate: () => {
        throw new Error('cleanup failed');
      },
    } satisfies GenServerModule<null, void>;
    const server = await started(GenServer.start(Fragile, undefined));
    const reason = exitReason(server);
    await GenServer.stop(server).catch(() => undefined);
    expect(await reason).toEqual(new Error('cleanup failed'));
    expect(crashes.reports.map((r) => r.context)).toContain('in terminate');
  });

  it('a handler that exits with a clean reason stops the server without a crash report', async () => {
    const Quitter = {
      init: () => ['ok', null] as const,
      handleCast: (): never => exit('shutdown'),
    } satisfies GenServerModule<null, void>;
    const server = await started(GenServer.start(Quitter, undefined));
    const reason = exitReason(server);
    GenServer.cast(server, 'quit');
    expect(await reason).toBe('shutdown');
    expect(crashes.reports).toEqual([]);
  });
});
