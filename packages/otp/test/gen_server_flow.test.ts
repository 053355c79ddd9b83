/**
 * What may follow a GenServer result, as in Elixir: `{ continue: x }` (handleContinue runs next,
 * before any message) and a timeout (`'timeout'` reaches handleInfo when no message came in
 * time), and a state machine built on both.
 */
import { describe, expect, it } from 'vitest';
import {
  type ExitMessage,
  type From,
  GenServer,
  type GenServerModule,
  type NoReplyResult,
  type Pid,
  receive,
  self,
  send,
  TIMEOUT,
  trapExit,
} from '../src/index.ts';
import { collectCrashReports, exitReason, inProcess } from './helpers.ts';

async function started(result: Promise<unknown>): Promise<Pid> {
  const answer = await result;
  if (!Array.isArray(answer) || answer[0] !== 'ok') throw new Error(`start gave ${answer}`);
  return answer[1] as Pid;
}

/** A server that logs every callback it runs, and reports its log to whoever asks. */
type Log = string[];

describe('GenServer: handleContinue', () => {
  collectCrashReports();

  it('runs right after init, before any message already in the mailbox', async () => {
    const Server = {
      init: () => {
        send(self(), 'queued in init'); // in the mailbox before init returns
        return ['ok', ['init'] as Log, { continue: 'load' }] as const;
      },
      handleContinue: (x: string, log: Log) => ['noreply', [...log, `continue ${x}`]] as const,
      handleInfo: (message: unknown, log: Log) => ['noreply', [...log, String(message)]] as const,
      handleCall: (_r: 'log', _f: From, log: Log) => ['reply', log, log] as const,
    } satisfies GenServerModule<Log, null, 'log', never, string>;
    const pid = await started(GenServer.start(Server, null));
    expect(await GenServer.call(pid, 'log')).toEqual(['init', 'continue load', 'queued in init']);
    await GenServer.stop(pid);
  });

  it('follows a cast, an info message or a call, before the next message; and chains', async () => {
    const Server = {
      init: () => ['ok', [] as Log] as const,
      handleCast: (request: string, log: Log) =>
        ['noreply', [...log, `cast ${request}`], { continue: `after ${request}` }] as const,
      handleInfo: (message: unknown, log: Log) =>
        ['noreply', [...log, `info ${message}`], { continue: `after ${message}` }] as const,
      handleCall: (request: string, _f: From, log: Log) =>
        request === 'log'
          ? (['reply', log, log] as const)
          : (['reply', 'ok', [...log, `call ${request}`], { continue: 'twice' }] as const),
      handleContinue: (x: string, log: Log): NoReplyResult<Log, string> =>
        x === 'twice'
          ? ['noreply', [...log, 'continue twice'], { continue: 'once more' }]
          : ['noreply', [...log, `continue ${x}`]],
    } satisfies GenServerModule<Log, null, string, string, string>;
    const pid = await started(GenServer.start(Server, null));
    // Queued together: each continue still runs before the next message.
    GenServer.cast(pid, 'a');
    send(pid, 'b');
    expect(await GenServer.call(pid, 'c')).toBe('ok');
    expect(await GenServer.call(pid, 'log')).toEqual([
      'cast a',
      'continue after a',
      'info b',
      'continue after b',
      'call c',
      'continue twice',
      'continue once more',
    ]);
    await GenServer.stop(pid);
  });

  /** Starts `module` linked to a process that traps exits; resolves to the server's exit reason. */
  function exitOfLinked(module: GenServerModule<unknown, null>): Promise<unknown> {
    // The continue runs as soon as init has answered: only a link or monitor set up by the
    // start itself is sure to see the exit.
    return inProcess(async () => {
      trapExit(true);
      const pid = await started(GenServer.startLink(module, null));
      return ((await receive({ type: 'EXIT', from: pid })) as ExitMessage).reason;
    });
  }

  it('a continue with no handleContinue crashes the server', async () => {
    const Server = { init: () => ['ok', null, { continue: 'load' }] as const };
    expect(await exitOfLinked(Server)).toBe('no_handle_continue');
  });

  it('handleContinue may stop the server', async () => {
    const Server = {
      init: () => ['ok', 0, { continue: 'check' }] as const,
      handleContinue: (_x: string, n: number) =>
        ['stop', { shutdown: 'nothing to do' }, n] as const,
    } satisfies GenServerModule<number, null>;
    expect(await exitOfLinked(Server as GenServerModule<unknown, null>)).toEqual({
      shutdown: 'nothing to do',
    });
  });
});

describe('GenServer: timeouts in results', () => {
  collectCrashReports();

  /** Tells `watcher` about each info message; `arm` casts set a timeout, `calm` casts none. */
  function watched(watcher: Pid) {
    return {
      init: (ms: number | null) => (ms === null ? (['ok', 0] as const) : (['ok', 0, ms] as const)),
      handleCast: (request: ['arm', number] | 'calm', n: number): NoReplyResult<number> =>
        request === 'calm' ? ['noreply', n] : ['noreply', n, request[1]],
      handleCall: (ms: number, _f: From, n: number) => ['reply', 'armed', n, ms] as const,
      handleInfo: (message: unknown, n: number) => {
        send(watcher, ['info', message]);
        return ['noreply', n + 1] as const;
      },
    } satisfies GenServerModule<number, number | null>;
  }

  it("a noreply with a timeout gives handleInfo 'timeout' when no message comes in time", async () => {
    const got = await inProcess(async () => {
      const pid = await started(GenServer.start(watched(self()), null));
      GenServer.cast(pid, ['arm', 20]);
      return receive();
    });
    expect(got).toEqual(['info', 'timeout']);
  });

  it('init and reply results take a timeout too', async () => {
    const got = await inProcess(async () => {
      const pid = await started(GenServer.start(watched(self()), 20));
      const first = await receive();
      const answer = await GenServer.call(pid, 20);
      return [first, answer, await receive()];
    });
    expect(got).toEqual([['info', 'timeout'], 'armed', ['info', 'timeout']]);
  });

  it('a message that arrives first cancels the timeout', async () => {
    const got = await inProcess(async () => {
      const pid = await started(GenServer.start(watched(self()), null));
      // Both are in the mailbox before the server runs: 'calm' is there when the timeout starts.
      GenServer.cast(pid, ['arm', 20]);
      GenServer.cast(pid, 'calm');
      return receive(undefined, 200);
    });
    expect(got).toBe(TIMEOUT);
  });

  it('a timeout of 0 handles what is already queued first, else times out at once', async () => {
    const got = await inProcess(async () => {
      const pid = await started(GenServer.start(watched(self()), null));
      GenServer.cast(pid, ['arm', 0]);
      send(pid, 'queued'); // there when the first timeout starts: it wins
      GenServer.cast(pid, ['arm', 0]); // nothing after it: the timeout passes at once
      return [await receive(), await receive()];
    });
    expect(got).toEqual([
      ['info', 'queued'],
      ['info', 'timeout'],
    ]);
  });

  it("'hibernate' is accepted and waits for the next message without a timeout", async () => {
    const Server = {
      init: () => ['ok', 0, 'hibernate'] as const,
      handleCall: (_r: 'get', _f: From, n: number) => ['reply', n, n + 1, 'hibernate'] as const,
    } satisfies GenServerModule<number, null>;
    const pid = await started(GenServer.start(Server, null));
    expect(await GenServer.call(pid, 'get')).toBe(0);
    expect(await GenServer.call(pid, 'get')).toBe(1);
    await GenServer.stop(pid);
  });

  it('an action that is not a timeout, hibernate or continue is a bad return value', async () => {
    const Server = {
      init: () => ['ok', 0] as const,
      handleCast: (request: unknown, n: number) =>
        ['noreply', n, request] as unknown as NoReplyResult<number>,
    } satisfies GenServerModule<number, null>;
    for (const bad of [-1, '5s', null]) {
      const pid = await started(GenServer.start(Server, null));
      const reason = exitReason(pid);
      GenServer.cast(pid, bad);
      expect(await reason).toEqual(['bad_return_value', ['noreply', 0, bad]]);
    }
    const badInit = { init: () => ['ok', 0, 'soon'] as unknown as ['ok', number] };
    expect(await GenServer.start(badInit, null)).toEqual([
      'error',
      ['bad_return_value', ['ok', 0, 'soon']],
    ]);
  });
});

// A connection as a state machine: it asks for a name, gives the client LOGIN_MS in all to
// answer (not per line), then relays chat lines. Hand-rolled, this is a receive loop with a
// deadline counted down; as a GenServer it is the state plus a timeout in each login result.
describe('GenServer: a state machine with a deadline', () => {
  collectCrashReports();

  const LOGIN_MS = 100;

  type Conn =
    | { readonly phase: 'login'; readonly client: Pid; readonly deadline: number }
    | { readonly phase: 'chat'; readonly client: Pid; readonly name: string };
  type Line = readonly ['line', string];

  const Connection = {
    init: (client: Pid) => {
      send(client, 'What is your name?');
      const conn: Conn = { phase: 'login', client, deadline: performance.now() + LOGIN_MS };
      return ['ok', conn, LOGIN_MS] as const;
    },
    handleInfo: (message: unknown, conn: Conn): NoReplyResult<Conn> => {
      if (conn.phase === 'login') return login(message, conn);
      const [, text] = message as Line;
      send(conn.client, `${conn.name}: ${text}`);
      return ['noreply', conn];
    },
  } satisfies GenServerModule<Conn, Pid>;

  function login(message: unknown, conn: Extract<Conn, { phase: 'login' }>): NoReplyResult<Conn> {
    if (message === 'timeout') {
      send(conn.client, 'No name given in time. Bye!');
      return ['stop', { shutdown: 'login_timeout' }, conn];
    }
    const name = (message as Line)[1].trim();
    if (name === '') {
      send(conn.client, 'What is your name?');
      // The time left, not a fresh LOGIN_MS: a client cannot hold the login open by typing.
      return ['noreply', conn, Math.max(0, conn.deadline - performance.now())];
    }
    send(conn.client, `Hello ${name}!`);
    return ['noreply', { phase: 'chat', client: conn.client, name }];
  }

  it('logs in, then chats, with no timeout once logged in', async () => {
    const got = await inProcess(async () => {
      const conn = await started(GenServer.start(Connection, self()));
      send(conn, ['line', '  ']);
      send(conn, ['line', 'ana']);
      send(conn, ['line', 'hi all']);
      const lines = [];
      for (let i = 0; i < 4; i++) lines.push(await receive());
      // Well past the login deadline: nothing more, and the connection is still there.
      lines.push(await receive(undefined, LOGIN_MS * 2));
      send(conn, ['line', 'still here']);
      lines.push(await receive());
      return lines;
    });
    expect(got).toEqual([
      'What is your name?',
      'What is your name?',
      'Hello ana!',
      'ana: hi all',
      TIMEOUT,
      'ana: still here',
    ]);
  });

  it('says goodbye and stops when no name comes before the deadline, however much is typed', async () => {
    const got = await inProcess(async () => {
      const conn = await started(GenServer.start(Connection, self()));
      const ended = exitReason(conn);
      let ending: unknown;
      void ended.then((reason) => {
        ending = reason;
      });
      const heard: unknown[] = [];
      // Blank lines every 10 ms: each one is answered, none of them moves the deadline.
      while (ending === undefined) {
        send(conn, ['line', '']);
        const line = await receive(undefined, 10);
        if (line !== TIMEOUT) heard.push(line);
      }
      for (let line = await receive(undefined, 0); line !== TIMEOUT; ) {
        heard.push(line);
        line = await receive(undefined, 0);
      }
      return { reason: ending, last: heard.at(-1), prompts: heard.length };
    });
    expect(got.reason).toEqual({ shutdown: 'login_timeout' });
    expect(got.last).toBe('No name given in time. Bye!');
    expect(got.prompts).toBeGreaterThan(2);
  });
});

// Types: a continue value is checked against the module's handleContinue, an action must be a
// timeout, 'hibernate' or a continue. (tsc checks these lines; they never run.)
function typeChecks(): void {
  const ok: GenServerModule<number, null, never, never, 'load'> = {
    init: () => ['ok', 0, { continue: 'load' }],
    handleContinue: (_x: 'load', n: number) => ['noreply', n + 1, 1000],
  };
  const wrongContinue: GenServerModule<number, null, never, never, 'load'> = {
    // @ts-expect-error: 'save' is not a continue this module handles
    init: () => ['ok', 0, { continue: 'save' }],
  };
  // @ts-expect-error: a timeout is a number of ms
  const wrongTimeout: NoReplyResult<number> = ['noreply', 1, '5s'];
  void [ok, wrongContinue, wrongTimeout];
}
void typeChecks;
