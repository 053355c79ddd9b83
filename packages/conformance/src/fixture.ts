import { LineClient } from '@otp-chat/net';
import { captureCrashReports } from '@otp-chat/otp';
import { afterEach, beforeEach, expect } from 'vitest';
import WebSocket from 'ws';
import type { ConformanceConfig, StepUnderTest } from './step.ts';
import type { WebClient, WebSocketClass } from './web_client.ts';

/**
 * A server of the step under test on free ports of 127.0.0.1 for each test, and clients that are
 * closed after it. The server's processes have fixed names, so one test's server is stopped
 * before the next one starts (vitest runs the tests of a file one after the other).
 */
export function chatFixture<Step extends StepUnderTest>(step: Step) {
  type Chat = Awaited<ReturnType<Step['startChat']>>;
  let server: Chat | undefined;
  const clients: LineClient[] = [];
  const webClients: WebClient[] = [];
  /** Every frame a server sent that does not match the protocol's schema, in this test. */
  const offProtocol: string[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.reset();
    for (const client of webClients.splice(0)) if (client.isOpen) client.close();
    await server?.stop();
    server = undefined;
    expect(offProtocol.splice(0), 'frames off the protocol').toEqual([]);
  });

  function running(): Chat {
    if (server === undefined) throw new Error('start the server first');
    return server;
  }

  // A step without a web transport ignores `webPort`.
  async function start(options: Partial<ConformanceConfig> = {}): Promise<Chat> {
    server = (await step.startChat({ port: 0, webPort: 0, ...options })) as Chat;
    return server;
  }

  /** A telnet client connected and greeted, not yet named. */
  async function connect(): Promise<LineClient> {
    const client = await LineClient.connect(running().port);
    clients.push(client);
    await client.expect('What is your name?');
    return client;
  }

  /** A telnet client named `name`, in the default room. */
  async function login(name: string): Promise<LineClient> {
    const client = await connect();
    client.send(name);
    await client.expect(/^You joined /);
    return client;
  }

  /**
   * The ws package's WebSocket, checking every frame the server sends against the step's
   * protocol schema as it comes in: the fixture fails a test in which the server said anything
   * else.
   */
  function checkedWebSocket(): WebSocketClass {
    const { ServerMessage: schema } = step;
    if (schema === undefined) throw new Error('the step exports no ServerMessage schema');
    const conforms = (text: string) => schema.safeParse(safeJson(text)).success;
    return class CheckedWebSocket extends WebSocket {
      constructor(url: string, options?: WebSocket.ClientOptions) {
        super(url, options);
        this.on('message', (data, isBinary) => {
          const text = String(data);
          if (isBinary || !conforms(text)) offProtocol.push(text);
        });
      }
    };
  }

  /** A WebSocket client, connected, in no room yet; `WebSocket` defaults to a checked one. */
  async function web(WebSocketClass?: WebSocketClass): Promise<WebClient> {
    const { ChatClient } = step;
    const { wsUrl } = running();
    if (ChatClient === undefined || wsUrl === undefined) {
      throw new Error('this step has no WebSocket transport (ChatClient, chat.wsUrl)');
    }
    const WebSocket = WebSocketClass ?? checkedWebSocket();
    const client = (await ChatClient.connect(wsUrl, { WebSocket })) as WebClient;
    webClients.push(client);
    return client;
  }

  /** A WebSocket client that has joined `room` as `name`. */
  async function webLogin(name: string, room = 'lobby'): Promise<WebClient> {
    const client = await web();
    client.join(room, name);
    await client.expect('joined');
    return client;
  }

  return {
    start,
    connect,
    login,
    web,
    webLogin,
    checkedWebSocket,
    get server(): Chat {
      return running();
    },
  };
}

export type ChatFixture = ReturnType<typeof chatFixture<StepUnderTest>>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Resolves on the next turn of the event loop. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits, a turn of the event loop at a time, until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 10_000) throw new Error('the condition never held');
    await tick();
  }
}

/** Alice and bob, logged in on telnet and in the lobby together, each having seen all so far. */
export async function aliceAndBob(chat: ChatFixture, options: Partial<ConformanceConfig> = {}) {
  await chat.start(options);
  const alice = await chat.login('alice');
  const bob = await chat.login('bob');
  await alice.expect('* bob joined lobby');
  return { alice, bob };
}

/**
 * The supervisor reports of each test, captured instead of printed: killing processes on purpose
 * makes supervisors report, and the reports are not the point (a test may still read them).
 */
export function crashReportsPerTest(): {
  readonly reports: ReturnType<typeof captureCrashReports>['reports'];
} {
  let crashes: ReturnType<typeof captureCrashReports> | undefined;
  beforeEach(() => {
    crashes = captureCrashReports();
  });
  afterEach(() => crashes?.restore());
  return {
    get reports() {
      if (crashes === undefined) throw new Error('crash reports are captured inside a test only');
      return crashes.reports;
    },
  };
}
