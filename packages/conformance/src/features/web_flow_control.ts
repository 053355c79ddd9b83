/**
 * Flow control and the flood rule for a WebSocket client: 12 MB of small frames in one burst,
 * with 3,000 rooms open and a list_rooms first. The connection's mailbox never holds more than
 * N frames (the port pauses the WebSocket, and with it the TCP socket), the heap stays put, the
 * flood rule cuts the client off on arrival, and two other users chat on without delay.
 */
import { connect, type Socket } from 'node:net';
import { GenServer, type Pid, Registry } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { floodSampler, SlowRoom } from '../flow_control.ts';
import { type StepUnderTest, stepWith, webStep } from '../step.ts';

const N = 32;
const MB = 1024 * 1024;

/** A client text frame (RFC 6455): masked, with a mask of zeros, so the payload is as sent. */
function frame(message: object): Buffer {
  const payload = Buffer.from(JSON.stringify(message));
  if (payload.length > 125) throw new Error('a short frame, please');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/** A raw WebSocket client on a TCP socket: whatever the server sends, as text, in `received`. */
async function rawWebSocket(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.write(
    'GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await vi.waitFor(() => expect(received).toMatch(/^HTTP\/1.1 101/));
  return {
    write: (bytes: Buffer) => socket.write(bytes),
    received: () => received,
    closed: () => closed,
  };
}

export function webFlowControl(anyStep: StepUnderTest): void {
  const step = stepWith(webStep(anyStep), ['RoomIndex']);
  const chat = chatFixture(step);

  describe('a WebSocket flood of 12 MB of small frames', () => {
    it('is held at the socket and cut off, while others chat on', { timeout: 60_000 }, async () => {
      const server = await chat.start({ maxUnreadInputs: N });
      for (let i = 0; i < 3000; i++) await step.ChatServer.createRoom(`room${i}`);
      const listing = { id: 'slow', userCount: 1 };
      const slow = await GenServer.start(SlowRoom, undefined, {
        name: Registry.via(step.REGISTRY, 'slow', listing),
      });
      // Listed as a room's init lists it, in the rooms' index.
      await step.RoomIndex.started({
        id: 'slow',
        key: 'slow',
        pid: (slow as readonly ['ok', Pid])[1],
      });
      const ada = await chat.webLogin('ada', 'quiet');
      const grace = await chat.webLogin('grace', 'quiet');
      const flooder = await rawWebSocket(server.webPort!);
      flooder.write(frame({ type: 'join', roomId: 'lobby', username: 'flooder' }));
      await vi.waitFor(() => expect(step.userPid('flooder')).toBeDefined());
      const spam = frame({ type: 'message', roomId: 'slow', text: 'spam spam spam' });
      const first = [
        frame({ type: 'list_rooms' }),
        frame({ type: 'join', roomId: 'slow', username: 'flooder' }),
      ];
      const copies = Math.ceil((12 * MB) / spam.length);
      const flood = Buffer.concat([...first, ...Array.from({ length: copies }, () => spam)]);
      // Made before sampling starts: the flood's own 12 MB are the client's, not the server's.
      const stop = floodSampler(step.userPid('flooder')!);
      flooder.write(flood);

      const delays: number[] = [];
      for (let i = 0; i < 20; i++) {
        const sent = performance.now();
        ada.say('quiet', `ping ${i}`);
        await grace.expect('message', (message) => message.text === `ping ${i}`);
        delays.push(performance.now() - sent);
      }
      await vi.waitFor(() => expect(flooder.closed()).toBe(true), { timeout: 10_000 });
      const { maxQueue, heapGrowth } = stop();
      const maxDelay = Math.max(...delays);
      console.info(
        `websocket flood: mailbox at most ${maxQueue} (N = ${N}), heap +${(heapGrowth / MB).toFixed(1)} MB, ` +
          `others' delay at most ${maxDelay.toFixed(0)} ms`,
      );

      expect(maxQueue).toBeGreaterThan(N / 2);
      expect(maxQueue).toBeLessThanOrEqual(N + 1);
      expect(heapGrowth).toBeLessThan(8 * MB);
      expect(maxDelay).toBeLessThan(1000);
      const received = flooder.received();
      // The listing: the first page, 100 of the 3,000 rooms (and lobby, quiet, slow).
      expect(received.match(/"userCount"/g)).toHaveLength(100);
      expect(received).toContain('"code":"RATE_LIMITED","message":"still too many messages');
    });
  });
}
