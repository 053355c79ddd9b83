import { type Chat, ChatClient, type ServerMessage, startChat } from '@otp-chat/08-persistence';
import {
  postgresProblem,
  type ScratchDatabase,
  scratchDatabase,
  startTcpProxy,
  type TcpProxy,
  warnNotRun,
} from '@otp-chat/store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// PostgreSQL going away under a running server, through a TCP proxy the test cuts: a sender is
// told STORAGE_UNAVAILABLE and nobody sees the message, the rest of the chat (joins, presence,
// history already kept) goes on, and once the line is back messages are stored again without
// anyone restarting anything. (The writer's own outage cases are packages/store's tests.)
const problem = await postgresProblem();
if (problem !== undefined) warnNotRun(problem);

let chat: Chat | undefined;
let proxy: TcpProxy | undefined;
let database: ScratchDatabase | undefined;
const clients: ChatClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) if (client.isOpen) await client.close();
  proxy?.restore();
  await chat?.stop();
  await proxy?.close();
  await database?.drop();
  chat = proxy = database = undefined;
});

async function login(name: string): Promise<ChatClient> {
  const client = await ChatClient.connect(chat!.wsUrl, { WebSocket });
  clients.push(client);
  client.join('lobby', name);
  await client.expect('joined');
  return client;
}

/** Says `text` until the room takes it, STORAGE_UNAVAILABLE meanwhile; how many tries it took. */
async function sayUntilStored(client: ChatClient, text: string): Promise<number> {
  for (let tries = 1; tries <= 100; tries++) {
    client.say('lobby', text);
    if (await storedOrRefused(client, text)) return tries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${text} was never stored`);
}

/** Whether the room passed `text` on (true) or refused it as STORAGE_UNAVAILABLE (false). */
async function storedOrRefused(client: ChatClient, text: string): Promise<boolean> {
  for (;;) {
    const next: ServerMessage = await client.next();
    if (next.type === 'message' && next.text === text) return true;
    if (next.type === 'error') {
      expect(next.code).toBe('STORAGE_UNAVAILABLE');
      return false;
    }
  }
}

describe.runIf(problem === undefined)('PostgreSQL cut off from a running server', () => {
  it('refuses messages with STORAGE_UNAVAILABLE, keeps the chat going, and recovers', async () => {
    database = await scratchDatabase('postgres');
    const target = new URL(database.location.databaseUrl!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(target);
    proxied.port = String(proxy.port);
    chat = await startChat({ port: 0, webPort: 0, databaseUrl: proxied.href });

    const ada = await login('ada');
    ada.say('lobby', 'before');
    expect(await ada.expect('message')).toMatchObject({ text: 'before', id: 1 });

    proxy.cut();
    ada.say('lobby', 'lost');
    expect(await ada.expect('error')).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });

    // Joins, presence and the history the room keeps do not need the database.
    const bob = await login('bob');
    expect(await ada.expect('user_joined')).toMatchObject({ username: 'bob' });
    const history = await bob.expect('history');
    expect(history.messages.map((message) => message.text)).toEqual(['before']);
    ada.setStatus('away', 'tea');
    expect(await bob.expect('status')).toMatchObject({ username: 'ada', status: 'away' });

    proxy.restore();
    await sayUntilStored(ada, 'after');
    const seen = await bob.expect('message', (message) => message.text === 'after');
    // Nobody ever saw 'lost': what bob got, in order, is what was stored.
    bob.getHistory('lobby', { limit: 10 });
    const stored = await bob.expect('history');
    expect(stored.messages.map((message) => message.text)).toEqual(['before', 'after']);
    expect(stored.messages.at(-1)).toMatchObject({ id: seen.id, epoch: seen.epoch });
  }, 60_000);
});
