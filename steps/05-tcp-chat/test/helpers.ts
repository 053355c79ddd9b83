import { type Chat, type ChatConfig, LineClient, startChat } from '@otp-chat/05-tcp-chat';
import { afterEach } from 'vitest';

/**
 * A server on a free port of 127.0.0.1 for each test, and clients that are closed after it.
 * The server's processes have fixed names, so one test's server is stopped before the next
 * one starts (vitest runs the tests of a file one after the other).
 */
export function chatFixture() {
  let server: Chat | undefined;
  const clients: LineClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.reset();
    await server?.stop();
    server = undefined;
  });

  async function start(options: Partial<ChatConfig> = {}): Promise<Chat> {
    server = await startChat({ port: 0, ...options });
    return server;
  }

  /** A client connected and greeted, not yet named. */
  async function connect(): Promise<LineClient> {
    if (server === undefined) throw new Error('start the server first');
    const client = await LineClient.connect(server.port);
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

  return {
    start,
    connect,
    login,
    get server(): Chat {
      if (server === undefined) throw new Error('start the server first');
      return server;
    },
  };
}

/** Resolves on the next turn of the event loop. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
