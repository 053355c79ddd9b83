import { connect } from 'node:net';
import type { LineClient } from '@otp-chat/net';
import { DynamicSupervisor, exit, isAlive, whereis } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { aliceAndBob, chatFixture, crashReportsPerTest, tick, until } from '../fixture.ts';
import { type FeatureContext, keepsEmptyRooms, type StepUnderTest } from '../step.ts';

// What a crash takes down, and what it does not: the listener, a connection, a room, each
// killed on purpose; and the server stopping cleanly.
export function availability(step: StepUnderTest, where: FeatureContext): void {
  const { ChatServer, CONNECTIONS, LISTENER, ROOM_SUPERVISOR, userPid } = step;
  const chat = chatFixture(step);

  const crashes = crashReportsPerTest();

  describe('the listener', () => {
    it('can be killed without dropping a session, and is listening again on the same port', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      const { port } = chat.server;
      const listener = whereis(LISTENER)!;
      exit(listener, 'kill');
      await until(() => whereis(LISTENER) !== undefined && whereis(LISTENER) !== listener);
      // The sessions carry on...
      bob.send('still connected');
      expect(await alice.next()).toBe('bob: still connected');
      // ...and newcomers get in on the same port.
      expect(chat.server.port).toBe(port);
      const carol = await chat.login('carol');
      expect(carol.received).toContain('You joined lobby with alice, bob.');
      carol.send('hello');
      expect(await alice.expect(/^carol:/)).toBe('carol: hello');
    });

    it('leaves no connection hanging when it dies while connections come in', async () => {
      await chat.start();
      const listener = whereis(LISTENER)!;
      const sockets = Array.from({ length: 20 }, () => {
        const socket = connect({ port: chat.server.port, host: '127.0.0.1' });
        socket.on('error', () => {});
        return socket;
      });
      // Killed before the server has accepted any of them: some wait in the kernel's backlog,
      // some may be accepted but not handed over yet. Each one is either served or closed.
      exit(listener, 'kill');
      const outcomes = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise((resolve) => {
              socket.once('data', () => resolve('served'));
              socket.once('close', () => resolve('closed')); // refused, reset or closed
            }),
        ),
      );
      for (const socket of sockets) socket.destroy();
      expect(outcomes).toHaveLength(20);
    });
  });

  describe('connections', () => {
    it('killing a connection process closes its socket, and its room is told', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      exit(userPid('bob')!, 'kill');
      await bob.closed;
      expect(await alice.next()).toBe('* bob left lobby');
    });

    it('a connection that crashes takes nothing else with it', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      const carol = await chat.login('carol');
      await alice.expect('* carol joined lobby');
      const rooms = await DynamicSupervisor.countChildren(ROOM_SUPERVISOR);
      exit(userPid('bob')!, new Error('a bug while serving bob'));
      await bob.closed;
      expect(await alice.next()).toBe('* bob left lobby');
      carol.send('we are fine');
      expect(await alice.next()).toBe('carol: we are fine');
      expect(await DynamicSupervisor.countChildren(ROOM_SUPERVISOR)).toEqual(rooms);
    });

    it.each([
      ['a reset (RST)', (client: LineClient) => client.reset()],
      ['a close without goodbye', (client: LineClient) => client.socket.destroy()],
    ])('a client that drops with %s leaves its rooms and its name', async (_how, drop) => {
      const { alice, bob } = await aliceAndBob(chat);
      bob.send('/join dev');
      await bob.expect(/^You joined dev/);
      const pid = userPid('bob')!;
      drop(bob);
      expect(await alice.next()).toBe('* bob left lobby');
      await until(() => !isAlive(pid));
      expect(userPid('bob')).toBeUndefined();
      alice.send('/rooms');
      const kept = keepsEmptyRooms(where) ? 'dev (0), ' : '';
      expect(await alice.next()).toBe(`Rooms: ${kept}lobby (1)`);
    });

    it('a client that drops before giving a name leaves nothing behind', async () => {
      await chat.start();
      const before = await DynamicSupervisor.countChildren(CONNECTIONS);
      const client = await chat.connect();
      const during = await DynamicSupervisor.countChildren(CONNECTIONS);
      expect(during.active).toBe(before.active + 1);
      client.reset();
      let after = during;
      while (after.active !== before.active) {
        await tick();
        after = await DynamicSupervisor.countChildren(CONNECTIONS);
      }
      expect(after.active).toBe(before.active);
    });
  });

  describe('rooms', () => {
    it('a room that crashes is restarted and its members are back in it', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      const lobby = ChatServer.whereis('lobby')!;
      exit(lobby, new Error('a bug in the room'));
      expect(await alice.expect(/restarted/)).toBe('* lobby restarted; you are still in it.');
      expect(await bob.expect(/restarted/)).toBe('* lobby restarted; you are still in it.');
      expect(ChatServer.whereis('lobby')).not.toBe(lobby);
      bob.send('/users');
      expect(await bob.expect(/^In lobby/)).toMatch(/^In lobby: (alice, bob|bob, alice)$/);
      bob.send('after the crash');
      expect(await alice.expect(/^bob:/)).toBe('bob: after the crash');
    });
  });

  describe('the application', () => {
    it('tells everyone and closes every connection when it stops', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      await chat.server.stop();
      expect(await alice.next()).toBe('The server is shutting down. Bye!');
      expect(await bob.next()).toBe('The server is shutting down. Bye!');
      await Promise.all([alice.closed, bob.closed]);
      expect(crashes.reports).toEqual([]);
    });
  });
}
