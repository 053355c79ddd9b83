/**
 * One process per connection or two? The same chat traffic through two shapes of connection,
 * both with the real Session (@otp-chat/chat), rooms and telnet adapter (@otp-chat/telnet):
 *
 *   one   the connection process decodes a line, runs the session and encodes its events, as
 *         @otp-chat/telnet's connection does (ranch: the protocol runs in the socket's process);
 *   two   a transport process decodes lines and sends each request to a session process; the
 *         session's events (a room's news among them: the session is the room's member) come
 *         back as messages, with what the adapter needs to know of the session (its name and
 *         rooms), and the transport encodes them (Phoenix: a transport and a channel process).
 *
 * No socket: the driver puts lines in the transport's mailbox as a port would, and what the
 * adapter writes goes to a counter. The socket's cost is the same for both shapes, so leaving it
 * out shows the whole difference the second process makes, not a share of it.
 */
import {
  type Session as ChatSession,
  ChatSupervisor,
  Session,
  type SessionEvent,
  type SessionRequest,
  USERS,
} from '@otp-chat/chat';
import { exit, type Pid, Registry, receive, Supervisor, send, spawn } from '@otp-chat/otp';
import { decodeLine, encodeEvent } from '@otp-chat/telnet';

export type Shape = 'one' | 'two';

/** What the driver puts in a transport's mailbox: a name at the prompt, or a line typed. */
type Input = readonly ['name', string] | readonly ['line', string];
/** What the session process sends its transport: an event, and the session as it then was. */
type Shown = readonly ['event', SessionEvent, SessionView];
/** What the adapter reads of a session to encode an event. */
type SessionView = Pick<ChatSession, 'name' | 'rooms'>;

/** Where every connection writes: counts the messages delivered, and wakes the driver. */
export class Sink {
  deliveries = 0;
  joins = 0;
  bytes = 0;
  private waiting: { count: () => number; target: number; resolve: () => void } | undefined;

  write(event: SessionEvent, parts: ReadonlyArray<string | Buffer>): void {
    for (const part of parts) this.bytes += part.length;
    if (event.type === 'joined') this.joins += 1;
    if (event.type === 'room' && event.event.news.type === 'message' && parts.length > 0) {
      this.deliveries += 1;
    }
    if (this.waiting !== undefined && this.waiting.count() >= this.waiting.target) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }

  /** Resolves once `count` messages in all have been delivered. */
  until(count: number): Promise<void> {
    return this.wait(() => this.deliveries, count);
  }

  /** Resolves once `count` users in all have joined their room. */
  untilJoined(count: number): Promise<void> {
    return this.wait(() => this.joins, count);
  }

  private wait(count: () => number, target: number): Promise<void> {
    if (count() >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting = { count, target, resolve };
    });
  }
}

/** Starts one connection of the given shape; returns the pid its input goes to. */
export function startConnection(shape: Shape, sink: Sink): Pid[] {
  return shape === 'one' ? [spawn(() => oneProcess(sink))] : twoProcesses(sink);
}

function oneProcess(sink: Sink): Promise<never> {
  const session: Session = new Session({
    transport: 'telnet',
    emit: (event) => sink.write(event, encodeEvent(event, session)),
    maxTextLength: Number.POSITIVE_INFINITY,
  });
  return (async () => {
    for (;;) {
      const message = await receive();
      if (await session.handleInfo(message)) continue;
      const request = fromInput(message as Input);
      if (request !== undefined) await session.handle(request);
    }
  })();
}

function twoProcesses(sink: Sink): Pid[] {
  let transport: Pid | undefined;
  const sessionPid = spawn(async () => {
    const session: Session = new Session({
      transport: 'telnet',
      emit: (event) => {
        const view = { name: session.name, rooms: session.rooms };
        send(transport!, ['event', event, view] satisfies Shown);
      },
      maxTextLength: Number.POSITIVE_INFINITY,
    });
    for (;;) {
      const message = await receive();
      if (await session.handleInfo(message)) continue;
      await session.handle((message as readonly ['request', SessionRequest])[1]);
    }
  });
  transport = spawn(async () => {
    for (;;) {
      const message = (await receive()) as Input | Shown;
      if (message[0] === 'event') {
        const [, event, view] = message;
        sink.write(event, encodeEvent(event, view as ChatSession));
      } else {
        const request = fromInput(message);
        if (request !== undefined) send(sessionPid, ['request', request]);
      }
    }
  });
  return [transport, sessionPid];
}

function fromInput(input: Input): SessionRequest | undefined {
  if (input[0] === 'name') return { type: 'name', name: input[1] };
  const decoded = decodeLine(input[1]);
  return decoded === undefined || decoded.type === 'reply' ? undefined : decoded;
}

export interface TrafficOptions {
  readonly rooms: number;
  readonly members: number;
  /** How many members of each room talk in every round. */
  readonly talkers: number;
  readonly rounds: number;
}

export interface TrafficResult {
  readonly shape: Shape;
  readonly deliveries: number;
  readonly wallMs: number;
  readonly cpuUs: number;
  readonly deliveriesPerSecond: number;
  readonly cpuUsPerDelivery: number;
}

/**
 * A chat of `rooms` rooms of `members` each; in every round `talkers` members of each room say
 * a line, and the round ends once every other member has it. Timed from the first round to
 * the last; the rooms and users are made fresh for the run and stopped after it.
 */
export async function runTraffic(shape: Shape, options: TrafficOptions): Promise<TrafficResult> {
  return withChat(async () => {
    const sink = new Sink();
    const inputs = await connect(shape, sink, options.rooms * options.members, (i) =>
      roomOf(i, options),
    );
    const talkers = inputs.filter((_, i) => i % options.members < options.talkers);
    const perRound = options.rooms * options.talkers * (options.members - 1);
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let round = 1; round <= options.rounds; round++) {
      for (const pid of talkers) send(pid, ['line', `line ${round} of the traffic`] as Input);
      await sink.until(perRound * round);
    }
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - start;
    const cpuUs = used.user + used.system;
    return {
      shape,
      deliveries: sink.deliveries,
      wallMs,
      cpuUs,
      deliveriesPerSecond: sink.deliveries / (wallMs / 1000),
      cpuUsPerDelivery: cpuUs / sink.deliveries,
    };
  });
}

/** The heap one idle connection holds, named and in a room: (after - before) / count. */
export async function memoryPerConnection(shape: Shape, count: number): Promise<number> {
  return withChat(async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('memory figures need node --expose-gc');
    gc();
    const before = process.memoryUsage().heapUsed;
    await connect(shape, new Sink(), count, (i) => `room-${i % 10}`);
    gc();
    return (process.memoryUsage().heapUsed - before) / count;
  });
}

function roomOf(i: number, options: TrafficOptions): string {
  return `room-${Math.floor(i / options.members)}`;
}

/** Starts `count` connections, names each and joins it to its room; waits until all are in. */
async function connect(
  shape: Shape,
  sink: Sink,
  count: number,
  room: (i: number) => string,
): Promise<Pid[]> {
  const inputs: Pid[] = [];
  for (let i = 0; i < count; i++) {
    const pids = startConnection(shape, sink);
    running.push(...pids);
    const input = pids[0]!;
    send(input, ['name', `user${i}`] as Input);
    send(input, ['line', `/join ${room(i)}`] as Input);
    inputs.push(input);
  }
  await sink.untilJoined(count);
  return inputs;
}

const running: Pid[] = [];

/** Runs `body` in a process, with the rooms and the users registry started for it. */
async function withChat<T>(body: () => Promise<T>): Promise<T> {
  const result = new Promise<T>((resolve, reject) => {
    spawn(async () => {
      const started = await Supervisor.start(
        [
          { id: 'rooms', start: () => ChatSupervisor.startLink(), type: 'supervisor' as const },
          { id: USERS, start: () => Registry.startLink({ keys: 'unique', name: USERS }) },
        ],
        { strategy: 'one_for_one' },
      );
      if (started === 'ignore' || started[0] !== 'ok') throw new Error('the chat did not start');
      // Everything is stopped before the next run starts: the names are taken until then.
      const outcome = await body().then(
        (value) => () => resolve(value),
        (error: unknown) => () => reject(error),
      );
      for (const pid of running.splice(0)) exit(pid, 'kill');
      await Supervisor.stop(started[1]);
      outcome();
    });
  });
  return result;
}
