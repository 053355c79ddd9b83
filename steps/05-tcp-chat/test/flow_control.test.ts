/**
 * Flow control and the flood rule under a real flood: a client writes 12 MB of short lines in
 * one burst, with 3,000 rooms open and a /rooms first. Its connection's mailbox never holds
 * more than N inputs (the port pauses the socket), the server's heap stays put, the flood rule
 * cuts the client off on arrival, and two other users go on chatting without noticeable delay.
 */
import * as step from '@otp-chat/05-tcp-chat';
import { ChatServer, REGISTRY, RoomIndex, userPid } from '@otp-chat/05-tcp-chat';
import { chatFixture, floodSampler, SlowRoom } from '@otp-chat/conformance';
import { GenServer, type Pid, Registry } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';

const chat = chatFixture(step);
const N = 32;
const MB = 1024 * 1024;

describe('a flood of 12 MB of short lines', () => {
  it('is held at the socket and cut off, while others chat on', { timeout: 60_000 }, async () => {
    await chat.start({ maxUnreadInputs: N });
    for (let i = 0; i < 3000; i++) await ChatServer.createRoom(`room${i}`);
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    alice.send('/join quiet');
    await alice.expect(/^You joined quiet/);
    bob.send('/join quiet');
    await bob.expect(/^You joined quiet/);
    const listing = { id: 'slow', userCount: 1 };
    const slow = await GenServer.start(SlowRoom, undefined, {
      name: Registry.via(REGISTRY, 'slow', listing),
    });
    // Listed as a room's init lists it, in the rooms' index.
    await RoomIndex.started({ id: 'slow', key: 'slow', pid: (slow as readonly ['ok', Pid])[1] });
    const flooder = await chat.login('flooder');
    const line = 'spam spam spam spam\n';
    const flood = Buffer.from(
      `/rooms\n/join slow\n${line.repeat(Math.ceil((12 * MB) / line.length))}`,
    );
    // Made before sampling starts: the flood's own 12 MB are the client's, not the server's.
    const stop = floodSampler(userPid('flooder')!);
    flooder.write(flood);
    // The listing comes first: its first 100 rooms of 3,003, read from the registry at once.
    const rooms = await flooder.expect(/^Rooms: /, 10_000);
    expect(rooms.split(', ')).toHaveLength(100 + 1);
    expect(rooms).toMatch(/, and 2903 more$/);
    const cutOff = flooder.expect('error: still too many lines; disconnecting.', 10_000);

    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      alice.send(`ping ${i}`);
      await bob.expect(`[quiet] alice: ping ${i}`);
      delays.push(performance.now() - sent);
    }
    await cutOff;
    await flooder.closed;
    const { maxQueue, heapGrowth } = stop();
    const maxDelay = Math.max(...delays);
    console.info(
      `telnet flood: mailbox at most ${maxQueue} (N = ${N}), heap +${(heapGrowth / MB).toFixed(1)} MB, ` +
        `others' delay at most ${maxDelay.toFixed(0)} ms`,
    );

    // While it waited for the slow room the lines piled up to N at most (plus the port's
    // notice that it paused): the rest waited in the kernel's buffers, or was judged and dropped.
    expect(maxQueue).toBeGreaterThan(N / 2);
    expect(maxQueue).toBeLessThanOrEqual(N + 1);
    expect(heapGrowth).toBeLessThan(8 * MB);
    expect(maxDelay).toBeLessThan(1000);
  });
});
