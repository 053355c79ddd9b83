import { connect } from 'node:net';
import {
  APPLICATION,
  ChatServer,
  CONNECTIONS,
  LISTENER,
  LISTENERS,
  type LineClient,
  REGISTRY,
  ROOM_SUPERVISOR,
  SESSIONS,
  USERS,
  userPid,
  WEB_LISTENER,
} from '@otp-chat/06-websocket-chat';
import {
  captureCrashReports,
  DynamicSupervisor,
  exit,
  formatTree,
  isAlive,
  Registry,
  whereis,
} from '@otp-chat/otp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatFixture, tick } from './helpers.ts';

const chat = chatFixture();

// Killing processes on purpose makes supervisors report; the reports are not the point here.
let crashes: ReturnType<typeof captureCrashReports>;
beforeEach(() => {
  crashes = captureCrashReports();
});
afterEach(() => crashes.restore());

/** Waits, a turn of the event loop at a time, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 10_000) throw new Error('the condition never held');
    await tick();
  }
}

/** Alice and bob, logged in and in the lobby together. */
async function aliceAndBob() {
  await chat.start();
  const alice = await chat.login('alice');
  const bob = await chat.login('bob');
  await alice.expect('* bob joined lobby');
  return { alice, bob };
}

describe('the web listener', () => {
  it('can be killed without dropping a session or the telnet port, and comes back on its port', async () => {
    const { alice } = await aliceAndBob();
    const ada = await chat.webLogin('ada');
    await alice.expect('* ada joined lobby');
    const { webPort } = chat.server;
    const [telnetListener, webListener] = [whereis(LISTENER)!, whereis(WEB_LISTENER)!];
    exit(webListener, 'kill');
    await until(() => ![undefined, webListener].includes(whereis(WEB_LISTENER)));
    // Only the web listener restarted (its siblings are one_for_one), and no session noticed.
    expect(whereis(LISTENER)).toBe(telnetListener);
    ada.say('lobby', 'still connected');
    expect(await alice.next()).toBe('ada: still connected');
    expect(chat.server.webPort).toBe(webPort);
    const grace = await chat.webLogin('grace');
    grace.say('lobby', 'hello');
    expect(await ada.expect('message', (message) => message.from === 'grace')).toMatchObject({
      text: 'hello',
    });
    expect(crashes.reports.map((report) => report.reason)).toEqual(['killed']);
  });
});

describe('the listener', () => {
  it('can be killed without dropping a session, and is listening again on the same port', async () => {
    const { alice, bob } = await aliceAndBob();
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
    const { alice, bob } = await aliceAndBob();
    exit(userPid('bob')!, 'kill');
    await bob.closed;
    expect(await alice.next()).toBe('* bob left lobby');
  });

  it('a connection that crashes takes nothing else with it', async () => {
    const { alice, bob } = await aliceAndBob();
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
    const { alice, bob } = await aliceAndBob();
    bob.send('/join dev');
    await bob.expect(/^You joined dev/);
    const pid = userPid('bob')!;
    drop(bob);
    expect(await alice.next()).toBe('* bob left lobby');
    await until(() => !isAlive(pid));
    expect(Registry.lookup(USERS, 'bob')).toEqual([]);
    alice.send('/rooms');
    expect(await alice.next()).toBe('Rooms: lobby (1)');
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
    const { alice, bob } = await aliceAndBob();
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
  it('runs everything under one supervisor, which printTree shows', async () => {
    await aliceAndBob();
    const tree = formatTree(APPLICATION);
    for (const part of [
      APPLICATION,
      'ChatServer.Supervisor',
      REGISTRY,
      ROOM_SUPERVISOR,
      'lobby',
      SESSIONS,
      USERS,
      CONNECTIONS,
      LISTENERS,
      LISTENER,
      WEB_LISTENER,
    ]) {
      expect(tree).toContain(part);
    }
    expect(tree.match(/ telnet 127\.0\.0\.1 \(worker\)/g)).toHaveLength(2);
  });

  it('tells everyone and closes every connection when it stops', async () => {
    const { alice, bob } = await aliceAndBob();
    await chat.server.stop();
    expect(await alice.next()).toBe('The server is shutting down. Bye!');
    expect(await bob.next()).toBe('The server is shutting down. Bye!');
    await Promise.all([alice.closed, bob.closed]);
    expect(crashes.reports).toEqual([]);
  });
});
