import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BadArgError,
  DynamicSupervisor,
  exit,
  type From,
  formatTree,
  GenServer,
  type GenServerModule,
  isAlive,
  type Pid,
  printTree,
  Registry,
  receive,
  register,
  Supervisor,
  spawn,
  whereis,
} from '../src/index.ts';
import { type ProcessMeta, procOf } from '../src/process.ts';
import { collectCrashReports } from './helpers.ts';

/** Everything a test starts, killed after it: the printer sees every live process. */
let started: Pid[] = [];

afterEach(() => {
  for (const pid of started) if (isAlive(pid)) exit(pid, 'kill');
  started = [];
});

function idle(): Pid {
  const pid = spawn(() => receive('never'));
  started.push(pid);
  return pid;
}

type Listed = ReturnType<NonNullable<ProcessMeta['children']>>[number];

/** A stand-in supervisor: an idle process that describes itself as one, listing `children`. */
function fakeSupervisor(children: () => Listed[], strategy?: string): Pid {
  const pid = idle();
  const meta = { behaviour: 'supervisor', children, ...(strategy ? { strategy } : {}) };
  (procOf(pid) as NonNullable<ReturnType<typeof procOf>>).meta = meta;
  return pid;
}

const ChatRoom = {
  name: 'ChatRoom',
  init: (topic: string) => ['ok', topic],
  handleCall: (_request: 'topic', _from: From, topic) => ['reply', topic, topic],
} satisfies GenServerModule<string>;

async function ok(start: Promise<unknown>): Promise<Pid> {
  const result = (await start) as readonly ['ok', Pid];
  expect(result[0]).toBe('ok');
  started.push(result[1]);
  return result[1];
}

/** A chat-server-shaped tree with every kind of line the printer draws. */
async function chatTree() {
  const registry = await ok(Registry.start({ keys: 'unique', name: 'Test.Rooms' }));
  const lobby = await ok(
    GenServer.start(ChatRoom, 'lobby', { name: Registry.via('Test.Rooms', 'lobby') }),
  );
  const games = await ok(
    GenServer.start(ChatRoom, 'games', { name: Registry.via('Test.Rooms', 'games') }),
  );
  const ticker = idle();
  // A dynamic supervisor lists its children by pid: they have no ids of their own.
  const rooms = fakeSupervisor(() => [
    { id: String(lobby), pid: lobby, type: 'worker' },
    { id: String(games), pid: games, type: 'worker' },
  ]);
  const root = fakeSupervisor(
    () => [
      { id: 'Test.Rooms', pid: registry, type: 'worker' },
      { id: 'rooms', pid: rooms, type: 'supervisor' },
      { id: 'janitor', pid: undefined, type: 'worker' },
      { id: 'ticker', pid: ticker, type: 'worker' },
    ],
    'one_for_one',
  );
  register('Test.Sup', root);
  return { root, registry, rooms, lobby, games, ticker };
}

describe('the supervision-tree printer', () => {
  collectCrashReports();

  it('draws a nested tree with names, pids, child types and behaviours', async () => {
    const { root, registry, rooms, lobby, games, ticker } = await chatTree();
    expect(formatTree(root)).toBe(
      [
        `${root} Test.Sup (supervisor, one_for_one)`,
        `├─ ${registry} Test.Rooms (registry)`,
        `├─ ${rooms} rooms (supervisor)`,
        `│  ├─ ${lobby} lobby (worker, ChatRoom)`,
        `│  └─ ${games} games (worker, ChatRoom)`,
        `├─ janitor (worker, not running)`,
        `└─ ${ticker} ticker (worker)`,
      ].join('\n'),
    );
  });

  it('starts from a name, and draws a subtree', async () => {
    const { root, rooms, lobby, games } = await chatTree();
    expect(formatTree('Test.Sup')).toBe(formatTree(root));
    expect(formatTree(rooms)).toBe(
      [
        `${rooms} (supervisor)`,
        `├─ ${lobby} lobby (worker, ChatRoom)`,
        `└─ ${games} games (worker, ChatRoom)`,
      ].join('\n'),
    );
    expect(formatTree(Registry.via('Test.Rooms', 'games'))).toBe(
      `${games} games (gen_server, ChatRoom)`,
    );
  });

  it('with no root, draws every tree whose top no supervisor lists, oldest first', async () => {
    expect(formatTree()).toBe('(no supervision tree is running)');
    const { root, rooms } = await chatTree();
    const loner = fakeSupervisor(() => [], 'one_for_all');
    expect(formatTree()).toBe(`${formatTree(root)}\n${loner} (supervisor, one_for_all)`);
    // With its parent gone (and nothing linking them here), the room supervisor is a top.
    exit(root, 'kill');
    expect(formatTree()).toBe(`${formatTree(rooms)}\n${loner} (supervisor, one_for_all)`);
  });

  it('follows the live tree: a child that restarted shows its new pid', async () => {
    const first = idle();
    let child = first;
    const root = fakeSupervisor(() => [{ id: 'worker', pid: child, type: 'worker' }]);
    expect(formatTree(root)).toBe(`${root} (supervisor)\n└─ ${first} worker (worker)`);
    exit(first, 'kill');
    child = idle();
    expect(formatTree(root)).toBe(`${root} (supervisor)\n└─ ${child} worker (worker)`);
  });

  it('draws each process once even if a supervisor lists an ancestor', async () => {
    let top: Pid | undefined;
    const middle = fakeSupervisor(() => [{ id: 'loop', pid: top, type: 'supervisor' }]);
    top = fakeSupervisor(() => [{ id: 'middle', pid: middle, type: 'supervisor' }]);
    expect(formatTree(top)).toBe(
      [
        `${top} (supervisor)`,
        `└─ ${middle} middle (supervisor)`,
        `   └─ ${top} loop (supervisor)`,
      ].join('\n'),
    );
  });

  it('printTree prints the tree and returns nothing', async () => {
    const { root } = await chatTree();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(printTree(root)).toBeUndefined();
      expect(log).toHaveBeenCalledWith(formatTree(root));
    } finally {
      log.mockRestore();
    }
  });

  it('refuses a root that is not running', () => {
    expect(() => formatTree('Test.Nobody')).toThrow(BadArgError);
  });

  it('draws a real supervision tree, and a restarted room under its via name', async () => {
    const sup = await ok(
      Supervisor.start(
        [
          Registry.childSpec({ keys: 'unique', name: 'Chat.Rooms' }),
          DynamicSupervisor.childSpec({ name: 'Chat.RoomSupervisor' }),
        ],
        { strategy: 'rest_for_one', name: 'Chat.Supervisor' },
      ),
    );
    const startRoom = (topic: string) =>
      ok(
        DynamicSupervisor.startChild(
          'Chat.RoomSupervisor',
          Supervisor.childSpec(ChatRoom, topic, { name: Registry.via('Chat.Rooms', topic) }),
        ),
      );
    const lobby = await startRoom('lobby');
    const games = await startRoom('games');
    const drawn = (rooms: Array<[Pid, string]>) =>
      [
        `${sup} Chat.Supervisor (supervisor, rest_for_one)`,
        `├─ ${whereis('Chat.Rooms')} Chat.Rooms (registry)`,
        `└─ ${whereis('Chat.RoomSupervisor')} Chat.RoomSupervisor (supervisor)`,
        ...rooms.map(
          ([pid, topic], i) =>
            `   ${i === rooms.length - 1 ? '└─' : '├─'} ${pid} ${topic} (worker, ChatRoom)`,
        ),
      ].join('\n');
    expect(formatTree()).toBe(
      drawn([
        [lobby, 'lobby'],
        [games, 'games'],
      ]),
    );

    exit(lobby, 'crash');
    // The supervisor handles the EXIT (and restarts the room) before it answers this call.
    await DynamicSupervisor.whichChildren('Chat.RoomSupervisor');
    const [[restarted]] = Registry.lookup('Chat.Rooms', 'lobby') as [[Pid, unknown]];
    expect(restarted).not.toBe(lobby);
    // A dynamic supervisor lists its children as they (re)started: the new lobby comes last.
    expect(formatTree('Chat.Supervisor')).toBe(
      drawn([
        [games, 'games'],
        [restarted, 'lobby'],
      ]),
    );
    await Supervisor.stop(sup);
  });
});
