import {
  type ExitReason,
  exit,
  type Pid,
  Port,
  type PortSource,
  Process,
  receive,
  type SourceEvents,
  send,
  spawn,
  trapExit,
} from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ChatConnection,
  type ConnectionConfig,
  connectionChild,
  type Farewell,
  type FloodNotice,
  RoomEvent,
  type SessionEvent,
} from '../src/index.js';
import { roomsAndUsersPerTest } from './fake_user.ts';

roomsAndUsersPerTest();

/** A client on a fake wire: what it sends is pushed into the port by the test. */
class FakeWire implements PortSource<string | FloodNotice> {
  events: SourceEvents<string | FloodNotice> | undefined;
  /** What the connection wrote, and how it said goodbye. */
  readonly written: string[] = [];
  readonly farewells: Farewell[] = [];
  /** Called at each write, before it is recorded. */
  onWrite: ((data: string) => void) | undefined;
  /** False: the client stopped reading, as a socket whose buffer is full. */
  reading = true;
  closed = false;
  subscribe(events: SourceEvents<string | FloodNotice>): void {
    this.events = events;
  }
  pause(): void {}
  resume(): void {}
  close(): void {
    this.closed = true;
  }
  send(...inputs: Array<string | FloodNotice>): void {
    for (const input of inputs) this.events?.data(input);
  }
}

/**
 * A transport of the test's own: a line names the user, `/join r` joins r, any other line is
 * said in the room. What the session says is written as its event's type.
 */
class TestConnection extends ChatConnection<string> {
  constructor(
    private readonly wire: FakeWire,
    port: Port<string | FloodNotice>,
    config: ConnectionConfig,
  ) {
    super(port, config, 'fake');
  }
  protected async input(line: string): Promise<void> {
    this.touch();
    if (line === 'ping') return this.write('pong');
    if (this.session.name === undefined) await this.session.handle({ type: 'name', name: line });
    else if (line.startsWith('/join '))
      await this.session.handle({ type: 'join', room: line.slice(6) });
    else await this.session.handle({ type: 'say', text: line });
  }
  protected show(event: SessionEvent): void {
    this.write(event.type);
  }
  protected slowDown(): void {
    this.write('slow down');
  }
  protected sayGoodbye(farewell: Farewell): void {
    this.wire.farewells.push(farewell);
  }
  protected writeBounded(data: string | Buffer): boolean {
    this.wire.onWrite?.(String(data));
    if (this.wire.reading) this.wire.written.push(String(data));
    return this.wire.reading;
  }
}

const CONFIG: ConnectionConfig = {
  nameTimeoutMs: 60_000,
  maxUnreadInputs: 4,
  maxRoomsPerUser: 10,
  maxListedRooms: 10,
};

const parents: Pid[] = [];
afterEach(() => {
  for (const pid of parents.splice(0)) exit(pid, 'kill');
});

/** A connection on a fake wire, started as its supervisor would, and how it ended. */
async function connect(config: Partial<ConnectionConfig> = {}) {
  const wire = new FakeWire();
  const spec = connectionChild<string>(
    'test',
    (owner) => Port.open(wire, { owner }),
    (port) => new TestConnection(wire, port, { ...CONFIG, ...config }),
  );
  let ended: ExitReason | undefined;
  const pid = await new Promise<Pid>((started) => {
    // The supervisor: it traps exits, so a connection that fails does not take it down.
    parents.push(
      spawn(async () => {
        trapExit(true);
        const [, child] = spec.start() as ['ok', Pid];
        Process.onExit(child, (reason) => (ended = reason));
        started(child);
        for (;;) await receive();
      }),
    );
  });
  return { wire, pid, ended: () => vi.waitFor(() => ended ?? Promise.reject(new Error('alive'))) };
}

describe('ChatConnection', () => {
  it("turns the client's inputs into requests and the session's events into writes", async () => {
    const { wire } = await connect();
    wire.send('ann', '/join lobby', 'hello');
    await vi.waitFor(() => expect(wire.written).toEqual(['named', 'joined', 'room']));
  });

  it('warns a flooder once and says goodbye at the second verdict', async () => {
    const { wire, ended } = await connect();
    wire.send('ann', ['flood', 'warn']);
    await vi.waitFor(() => expect(wire.written).toEqual(['named', 'slow down']));
    wire.send(['flood', 'disconnect']);
    expect(await ended()).toBe('normal');
    expect(wire.farewells).toEqual([{ why: 'flood' }]);
  });

  it('says goodbye to a client that takes no name in time', async () => {
    const { wire, ended } = await connect({ nameTimeoutMs: 20 });
    expect(await ended()).toBe('normal');
    expect(wire.farewells).toEqual([{ why: 'no_name', seconds: 0.02 }]);
  });

  it('cancels its name timer once the user has a name, leaving an idle connection no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { wire } = await connect();
      expect(vi.getTimerCount()).toBe(1); // the name timeout
      wire.send('ann', '/join lobby');
      await vi.waitFor(() => expect(wire.written).toEqual(['named', 'joined']));
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says goodbye to a named user who sends nothing for idleTimeoutMs', async () => {
    const { wire, ended } = await connect({ idleTimeoutMs: 20 });
    wire.send('ann');
    expect(await ended()).toBe('normal');
    expect(wire.farewells).toEqual([{ why: 'idle', seconds: 0.02 }]);
  });

  it('drops a client that does not read, without a goodbye', async () => {
    const { wire, ended } = await connect();
    wire.reading = false;
    wire.send('ann');
    expect(await ended()).toEqual({ shutdown: 'client_not_reading' });
    expect(wire.farewells).toEqual([]);
  });

  it("says goodbye when its supervisor shuts it down, and exits with the supervisor's reason", async () => {
    const { wire, pid, ended } = await connect();
    exit(pid, 'shutdown');
    expect(await ended()).toBe('shutdown');
    expect(wire.farewells).toEqual([{ why: 'shutdown' }]);
  });

  it('ends when the client closes its side, with nothing more to say', async () => {
    const { wire, ended } = await connect();
    wire.send('ann');
    await vi.waitFor(() => expect(wire.written).toEqual(['named']));
    wire.events?.close();
    expect(await ended()).toBe('normal');
    expect(wire.farewells).toEqual([]);
  });

  it('handles the news queued in one turn, each message left in the mailbox until its turn', async () => {
    const { wire, pid } = await connect();
    wire.send('ann', '/join lobby');
    await vi.waitFor(() => expect(wire.written).toEqual(['named', 'joined']));
    // At each write: what it wrote, and what the mailbox held (as a room sees it).
    const writes: Array<[string, number | undefined]> = [];
    let roomWritesWhenAMicrotaskRan: number | undefined;
    wire.onWrite = (data) => {
      writes.push([data, Process.messageQueueLength(pid)]);
      if (writes.length === 1)
        queueMicrotask(
          () => (roomWritesWhenAMicrotaskRan = writes.filter(([w]) => w === 'room').length),
        );
    };
    const news = 50;
    for (let i = 0; i < news; i++) {
      const event = new RoomEvent({ type: 'user_joined', roomId: 'lobby', username: `u${i}` });
      send(pid, ['room_event', event]);
    }
    // Then 20 inputs: the port delivers 4 (maxUnreadInputs) and a passive notice, holds the rest.
    wire.send(...Array.from({ length: 20 }, () => 'ping'));
    await vi.waitFor(() => expect(writes).toHaveLength(news + 20));
    // Every news event was written before anything else ran: no await between two of them.
    expect(roomWritesWhenAMicrotaskRan).toBe(news);
    // Each waited in the mailbox until its turn (the first was handed to the waiting receive):
    // behind it, the rest of the news, then the 2 inputs left of the port's 4 (2 lines came
    // before) and its passive notice. A room judging how far behind we are sees all of it.
    expect(writes.slice(0, news)).toEqual(
      Array.from({ length: news }, (_, i) => ['room', news - 1 - i + 3]),
    );
    // The inputs came after, in order, never more than 4 of them (and a notice) unread.
    const inputs = writes.slice(news);
    expect(inputs.every(([data]) => data === 'pong')).toBe(true);
    expect(Math.max(...inputs.map(([, queued]) => queued ?? 0))).toBeLessThanOrEqual(4);
  });
});
