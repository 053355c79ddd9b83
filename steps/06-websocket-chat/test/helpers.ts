import {
  type Chat,
  ChatClient,
  type ChatConfig,
  LineClient,
  ServerMessage,
  startChat,
  type WebSocketClass,
} from '@otp-chat/06-websocket-chat';
import { afterEach, expect } from 'vitest';
import WebSocket from 'ws';

/** Every frame a server sent that does not match the protocol's schema, in this test. */
const offProtocol: string[] = [];

/**
 * The ws package's WebSocket, checking every frame the server sends against the protocol's
 * schema as it comes in: the fixture fails a test in which the server said anything else.
 */
export class CheckedWebSocket extends WebSocket {
  constructor(url: string, options?: WebSocket.ClientOptions) {
    super(url, options);
    this.on('message', (data, isBinary) => {
      const text = String(data);
      const result = isBinary ? undefined : ServerMessage.safeParse(safeJson(text));
      if (!result?.success) offProtocol.push(text);
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A server on free ports of 127.0.0.1 for each test, and clients that are closed after it.
 * The server's processes have fixed names, so one test's server is stopped before the next
 * one starts (vitest runs the tests of a file one after the other).
 */
export function chatFixture() {
  let server: Chat | undefined;
  const clients: LineClient[] = [];
  const webClients: ChatClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.reset();
    for (const client of webClients.splice(0)) if (client.isOpen) client.close();
    await server?.stop();
    server = undefined;
    expect(offProtocol.splice(0), 'frames off the protocol').toEqual([]);
  });

  async function start(options: Partial<ChatConfig> = {}): Promise<Chat> {
    server = await startChat({ port: 0, webPort: 0, ...options });
    return server;
  }

  /** A client connected and greeted, not yet named. */
  async function connect(): Promise<LineClient> {
    const client = await LineClient.connect(running().port);
    clients.push(client);
    await client.expect('What is your name?');
    return client;
  }

  /** A client named `name`, in the default room. */
  async function login(name: string): Promise<LineClient> {
    const client = await connect();
    client.send(name);
    await client.expect(/^You joined /);
    return client;
  }

  /** A WebSocket client, connected, in no room yet. */
  async function web(WebSocket: WebSocketClass = CheckedWebSocket): Promise<ChatClient> {
    const client = await ChatClient.connect(running().wsUrl, { WebSocket });
    webClients.push(client);
    return client;
  }

  /** A WebSocket client that has joined `room` as `name`. */
  async function webLogin(name: string, room = 'lobby'): Promise<ChatClient> {
    const client = await web();
    client.join(room, name);
    await client.expect('joined');
    return client;
  }

  function running(): Chat {
    if (server === undefined) throw new Error('start the server first');
    return server;
  }

  return {
    start,
    connect,
    login,
    web,
    webLogin,
    get server(): Chat {
      return running();
    },
  };
}

/** Resolves on the next turn of the event loop. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
