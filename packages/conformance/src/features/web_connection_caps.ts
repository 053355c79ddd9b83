import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { LineClient } from '@otp-chat/net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// The connection caps on the web port, one count with the telnet port's: an HTTP request past
// a cap gets 503, a WebSocket handshake is completed and closed at once with 1013 ("try again
// later", which a page's script can read, where it sees no HTTP status), each with the reason.
export function webConnectionCaps(stepUnderTest: StepUnderTest): void {
  const chat = chatFixture(webStep(stepUnderTest));
  const held: Array<Socket | WebSocket> = [];
  afterEach(() => {
    for (const socket of held.splice(0)) {
      if (socket instanceof WebSocket) socket.terminate();
      else socket.destroy();
    }
  });

  /** An idle TCP connection to `port`, held open. */
  async function idle(port: number, localAddress?: string): Promise<Socket> {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress && { localAddress }) });
    socket.on('error', () => {});
    held.push(socket);
    await once(socket, 'connect');
    return socket;
  }

  /** A WebSocket to the server, and how it ended: closed with a code, or still open. */
  async function webSocket(localAddress?: string) {
    const ws = new WebSocket(chat.server.wsUrl!, localAddress ? { localAddress } : {});
    held.push(ws);
    ws.on('error', () => {});
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    return { code, reason: String(reason) };
  }

  const full = (count: number) => `the server is full (${count} connections); try again later`;
  const addressFull = (count: number) =>
    `too many connections from your address (at most ${count}); close one and try again`;

  describe('the total cap on the web port', () => {
    it('answers an HTTP request past it with 503 and the reason', async () => {
      await chat.start({ maxConnections: 2 });
      await idle(chat.server.webPort!);
      await idle(chat.server.webPort!);
      const response = await fetch(`http://127.0.0.1:${chat.server.webPort}/chat.html`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('10');
      expect(await response.text()).toBe(`${full(2)}\n`);
    });

    it('closes a WebSocket past it with 1013 and the reason; those in keep chatting', async () => {
      await chat.start({ maxConnections: 2 });
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      await ada.expect('user_joined');
      expect(await webSocket()).toEqual({ code: 1013, reason: full(2) });
      grace.say('lobby', 'still here');
      expect(await ada.expect('message')).toMatchObject({ from: 'grace', text: 'still here' });
    });

    it('is one count with the telnet port', async () => {
      await chat.start({ maxConnections: 2 });
      await chat.login('alice');
      await chat.webLogin('ada');
      const telnet = await LineClient.connect(chat.server.port);
      expect(await telnet.next()).toBe(`error: ${full(2)}.`);
      expect(await webSocket()).toEqual({ code: 1013, reason: full(2) });
    });
  });

  describe('the cap per IP address on the web port', () => {
    it('refuses a WebSocket from an address past it, and no other address', async () => {
      await chat.start({ maxConnectionsPerIp: 2, ipCapExempt: [] });
      await idle(chat.server.webPort!, '127.0.0.2');
      await idle(chat.server.port, '127.0.0.2');
      expect(await webSocket('127.0.0.2')).toEqual({ code: 1013, reason: addressFull(2) });
      const ada = await chat.webLogin('ada');
      ada.listRooms();
      expect(await ada.expect('room_list')).toMatchObject({ rooms: [{ id: 'lobby' }] });
    });
  });
}
