import {
  ChatServer,
  ChatSupervisor,
  Message,
  REGISTRY,
  ROOM_SUPERVISOR,
} from '@otp-chat/04-multi-room-registry';
import {
  type CrashReport,
  captureCrashReports,
  DynamicSupervisor,
  ExitError,
  exit,
  GenServer,
  isAlive,
  type Pid,
  Registry,
  Supervisor,
  unlink,
  whereis,
} from '@otp-chat/otp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let app: Pid;
let crashes: { reports: CrashReport[]; restore(): void };

beforeEach(async () => {
  crashes = captureCrashReports();
  const result = await ChatSupervisor.startLink();
  if (result === 'ignore' || result[0] === 'error') throw new Error('the app did not start');
  app = result[1];
  // The test is no part of the tree: a supervisor giving up must not take the test down.
  unlink(app);
});

afterEach(async () => {
  if (isAlive(app)) await Supervisor.stop(app);
  crashes.restore();
});

function pidOf(room: string): Pid {
  const pid = ChatServer.whereis(room);
  if (pid === undefined) throw new Error(`no room '${room}' is running`);
  return pid;
}

/**
 * Waits until the room supervisor has dealt with every exit it was sent before this request:
 * it handles its mailbox in order, so the reply comes after any restart.
 */
async function roomSupervisorCaughtUp(): Promise<void> {
  await DynamicSupervisor.countChildren(ROOM_SUPERVISOR);
}

describe('rooms', () => {
  it('are created by name and listed, sorted', async () => {
    expect(await ChatServer.createRoom('lobby')).toBe('ok');
    expect(await ChatServer.createRoom('games')).toBe('ok');
    expect(await ChatServer.listRooms()).toEqual(['games', 'lobby']);
  });

  it('cannot be created twice', async () => {
    await ChatServer.createRoom('lobby');
    const first = pidOf('lobby');
    expect(await ChatServer.createRoom('lobby')).toEqual(['error', 'already_exists']);
    expect(pidOf('lobby')).toBe(first);
    expect(await ChatServer.listRooms()).toEqual(['lobby']);
    expect(crashes.reports).toEqual([]);
  });

  it.each(['', '   ', 42, undefined])('need a name: %j is invalid_name', async (name) => {
    expect(await ChatServer.createRoom(name as string)).toEqual(['error', 'invalid_name']);
    expect(await ChatServer.listRooms()).toEqual([]);
  });

  it('each keep their own messages', async () => {
    await ChatServer.createRoom('lobby');
    await ChatServer.createRoom('games');
    expect(await ChatServer.createMessage('lobby', 'hello lobby')).toEqual([
      'ok',
      new Message('hello lobby'),
    ]);
    await ChatServer.createMessage('games', { content: 'chess?', username: 'gage' });
    await ChatServer.createMessage('lobby', 'again');
    expect(await ChatServer.getMessages('lobby')).toEqual([
      'ok',
      [new Message('hello lobby'), new Message('again')],
    ]);
    expect(await ChatServer.getMessages('games')).toEqual(['ok', [new Message('chess?', 'gage')]]);
  });

  it('answer a bad post with its error code and keep their messages', async () => {
    await ChatServer.createRoom('lobby');
    await ChatServer.createMessage('lobby', 'kept');
    expect(await ChatServer.createMessage('lobby', { content: '' })).toEqual([
      'error',
      'empty_content',
    ]);
    expect(await ChatServer.getMessages('lobby')).toEqual(['ok', [new Message('kept')]]);
  });

  it('that do not exist are no_such_room, for posting and for reading', async () => {
    expect(await ChatServer.createMessage('kitchen', 'hello?')).toEqual(['error', 'no_such_room']);
    expect(await ChatServer.getMessages('kitchen')).toEqual(['error', 'no_such_room']);
  });
});

describe('isolation and restarts', () => {
  it('a crash in one room never touches another', async () => {
    for (const room of ['a', 'b', 'c']) {
      await ChatServer.createRoom(room);
      await ChatServer.createMessage(room, `in ${room}`);
    }
    const b = pidOf('b');
    const c = pidOf('c');

    // An unknown call crashes the room that gets it.
    await expect(GenServer.call(Registry.via(REGISTRY, 'a'), 'boom')).rejects.toBeInstanceOf(
      ExitError,
    );
    await roomSupervisorCaughtUp();

    expect(await ChatServer.getMessages('a')).toEqual(['ok', []]);
    expect([pidOf('b'), pidOf('c')]).toEqual([b, c]);
    expect(await ChatServer.getMessages('b')).toEqual(['ok', [new Message('in b')]]);
    expect(await ChatServer.getMessages('c')).toEqual(['ok', [new Message('in c')]]);
  });

  it('a killed room comes back under the same name, empty, with a new pid', async () => {
    await ChatServer.createRoom('lobby');
    await ChatServer.createMessage('lobby', 'lost');
    const before = pidOf('lobby');

    exit(before, 'kill');
    await roomSupervisorCaughtUp();

    expect(pidOf('lobby')).not.toBe(before);
    expect(await ChatServer.getMessages('lobby')).toEqual(['ok', []]);
    expect(await ChatServer.createMessage('lobby', 'back')).toEqual(['ok', new Message('back')]);
    expect(await ChatServer.listRooms()).toEqual(['lobby']);
  });

  it('the registry forgets a room the moment its process dies', async () => {
    await ChatServer.createRoom('lobby');
    const before = pidOf('lobby');
    exit(before, 'kill');
    // No await in between: the name is gone before the supervisor has even heard of the exit.
    expect(ChatServer.whereis('lobby')).toBeUndefined();
    expect(Registry.lookup(REGISTRY, 'lobby')).toEqual([]);
    await roomSupervisorCaughtUp();
    expect(ChatServer.whereis('lobby')).not.toBe(before);
  });

  it('a room stopped for good is no longer listed or reachable, and its name is free', async () => {
    await ChatServer.createRoom('lobby');
    await ChatServer.createRoom('games');
    await DynamicSupervisor.terminateChild(ROOM_SUPERVISOR, pidOf('games'));

    expect(await ChatServer.listRooms()).toEqual(['lobby']);
    expect(Registry.lookup(REGISTRY, 'games')).toEqual([]);
    expect(await ChatServer.getMessages('games')).toEqual(['error', 'no_such_room']);
    expect(await ChatServer.createRoom('games')).toBe('ok');
  });

  it('if the registry dies, the rooms restart with it (rest_for_one) and new ones can open', async () => {
    await ChatServer.createRoom('lobby');
    const roomSupervisor = whereis(ROOM_SUPERVISOR);
    exit(whereis(REGISTRY)!, 'kill');
    // The app supervisor restarts the registry, then the room supervisor after it.
    await Supervisor.countChildren(app);

    expect(isAlive(app)).toBe(true);
    expect(whereis(ROOM_SUPERVISOR)).not.toBe(roomSupervisor);
    expect(await ChatServer.listRooms()).toEqual([]);
    expect(await ChatServer.createRoom('lobby')).toBe('ok');
    expect(await ChatServer.createMessage('lobby', 'fresh')).toEqual(['ok', new Message('fresh')]);
  });
});

describe('scale', () => {
  it('creates and lists 10,000 rooms', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `room-${String(i).padStart(5, '0')}`);
    for (const name of names) expect(await ChatServer.createRoom(name)).toBe('ok');

    expect(await ChatServer.listRooms()).toEqual(names);
    expect(Registry.count(REGISTRY)).toBe(10_000);
    expect(await ChatServer.createMessage('room-04321', 'still fast')).toEqual([
      'ok',
      new Message('still fast'),
    ]);
    expect(await ChatServer.getMessages('room-04320')).toEqual(['ok', []]);
  }, 120_000);
});
