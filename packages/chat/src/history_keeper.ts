/**
 * The keeper of every room's history: one GenServer that owns each room's RoomHistory, so
 * that a room that crashes loses its live state (members, rate) but not what was said in it.
 *
 * This is the lesson of an ETS table with an heir: valuable state does not live in the process
 * most likely to crash. A room runs code for every member and every line; the keeper runs a
 * few small, well-tested operations on data, and takes bad input as an answer, never as a
 * crash. A room that starts (or starts again after a crash) attaches to its history and
 * learns the last id issued, so ids go on where they were; the keeper monitors it, and when it
 * goes down keeps its history for `keepEmptyMs` in case the room comes back.
 *
 * A history the keeper drops whole (its room gone for `keepEmptyMs`, or gone and over the
 * budget) leaves nothing behind: no memory per dead room. The room's next history starts again
 * at id 1, but in a new epoch (see history.ts), which `attach` answers with the last id and
 * every message carries; a client that asks for what came after a message of the old epoch is
 * told the whole earlier history is gone, never handed the new numbering's messages. A keeper
 * that crashes loses every history, and its successor draws new epochs too: the same answer.
 *
 * Writes are casts: the room numbers each message itself (a HistoryWriter, made from the
 * position `attach` answered) and never waits for the keeper before broadcasting. Reads are
 * calls. Memory is bounded for the whole server, not only per room: past `maxBytes` (estimated
 * by messageBytes), the histories written least recently are dropped first.
 */
import {
  type CallResult,
  type ChildSpec,
  cancelTimer,
  type DownMessage,
  demonitor,
  type From,
  GenServer,
  type InitResult,
  makeRef,
  monitor,
  type NoReplyResult,
  type Pid,
  type Ref,
  type StartResult,
  self,
  sendAfter,
} from '@otp-chat/otp';
import {
  DEFAULT_HISTORY_LENGTH,
  type HistoryMessage,
  type HistoryResult,
  newHistoryMessage,
  RoomHistory,
  type Said,
} from './history.js';
import { nameKey, nameProblem } from './names.js';

/** The keeper's registered name. */
export const HISTORY_KEEPER = 'ChatServer.HistoryKeeper';

export interface HistoryOptions {
  /** Messages kept per room, and the most a query may ask for. */
  readonly historyLength: number;
  /** The estimated bytes of every room's history together; past it the oldest are dropped. */
  readonly maxBytes: number;
  /** How long the history of a room with no process is kept, in ms. */
  readonly keepEmptyMs: number;
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  historyLength: DEFAULT_HISTORY_LENGTH,
  // About 300,000 messages of 200 bytes: 3,000 rooms with full histories of 100.
  maxBytes: 64 * 1024 * 1024,
  // An hour: longer than a reconnect (Socket.IO recovers a connection's state for 2 minutes),
  // short enough that rooms nobody comes back to do not hold memory for ever.
  keepEmptyMs: 60 * 60 * 1000,
};

/** What a request the keeper cannot read answers (a wrong room name, a wrong shape). */
export type BadRequest = readonly ['error', 'bad_request'];
/**
 * Where a room's history stands in storage, for the keeper to go on from: its epoch, the last
 * id stored, and its last messages, oldest first (at most the keeper's historyLength are kept).
 */
export interface HistorySeed {
  readonly epoch: number;
  readonly lastId: number;
  readonly recent: readonly HistoryMessage[];
}

export type AttachReply = readonly ['ok', epoch: number, lastId: number] | BadRequest;
export type HistoryReply = HistoryResult | BadRequest;

/** What the keeper holds: the total, and the rooms in the order they would be dropped. */
export interface HistoryUsage {
  readonly bytes: number;
  readonly rooms: string[];
}

// #region state
interface Kept {
  history: RoomHistory;
  /** The room process that writes it, monitored; none while the room has no process. */
  owner: { readonly pid: Pid; readonly ref: Ref } | undefined;
  /** While the room has no process: the timer that will drop the history, and its token. */
  expiry: { readonly timer: Ref; readonly token: Ref } | undefined;
}

interface State {
  readonly options: HistoryOptions;
  /** By room key, least recently written first: a write moves its room to the end. */
  readonly histories: Map<string, Kept>;
  /** The room key of each room the keeper monitors, by monitor. */
  readonly owners: Map<Ref, string>;
  /** The sum of every history's estimated bytes. */
  bytes: number;
}
// #endregion state

type ExpireMessage = readonly ['expire', room: string, token: Ref];

// #region server
const callbacks = {
  name: 'ChatServer.HistoryKeeper',

  init(options: Partial<HistoryOptions> = {}): InitResult<State> {
    const all = { ...DEFAULT_HISTORY_OPTIONS, ...options };
    if (!validOptions(all)) return ['stop', 'bad_options'];
    return ['ok', { options: all, histories: new Map(), owners: new Map(), bytes: 0 }];
  },

  // Anything may arrive here: a request that does not read right is answered, not thrown.
  handleCall(request: unknown, from: From, state: State): CallResult<State> {
    if (request === 'usage') return ['reply', usage(state), state];
    const [tag, room, ...args] = Array.isArray(request) ? request : [];
    const key = roomKey(room);
    if (key === undefined) return ['reply', BAD_REQUEST, state];
    if (tag === 'attach' && args.length <= 1) {
      const seed = args[0];
      if (seed !== undefined && !isSeed(seed)) return ['reply', BAD_REQUEST, state];
      const { epoch, lastId } = attach(state, key, from.pid, seed);
      return ['reply', ['ok', epoch, lastId], state];
    }
    return ['reply', query(historyOf(state, key), tag, args), state];
  },

  // A cast has nobody to answer: one the keeper cannot read is dropped.
  handleCast(request: unknown, state: State): NoReplyResult<State> {
    if (Array.isArray(request) && request[0] === 'append' && request.length === 3) {
      const key = roomKey(request[1]);
      if (key !== undefined && isHistoryMessage(request[2])) append(state, key, request[2]);
    }
    return ['noreply', state];
  },

  // A room went down, or a history's time is up. Anything else is dropped.
  handleInfo(message: unknown, state: State): NoReplyResult<State> {
    if (isDown(message)) roomDown(state, message);
    else if (isExpire(message)) expire(state, message);
    return ['noreply', state];
  },
};
// #endregion server

const BAD_REQUEST: BadRequest = ['error', 'bad_request'];

// #region attach
/**
 * A room's process attaches: the keeper watches it, and answers where its numbering is: the
 * epoch, and the last id issued in it. A room with no history kept gets a new one (a new epoch).
 */
function attach(state: State, key: string, pid: Pid, seed?: HistorySeed): RoomHistory {
  let kept = state.histories.get(key);
  // With storage, the database is the truth: the history starts again from what it holds,
  // which includes messages stored after a crashed room could pass them on.
  if (kept !== undefined && seed !== undefined) {
    state.bytes -= kept.history.bytes;
    kept.history = seeded(state.options.historyLength, seed);
    state.bytes += kept.history.bytes;
  }
  if (kept === undefined) {
    const history =
      seed === undefined
        ? new RoomHistory({ max: state.options.historyLength })
        : seeded(state.options.historyLength, seed);
    kept = { history, owner: undefined, expiry: undefined };
    state.histories.set(key, kept);
    state.bytes += history.bytes;
  }
  stopExpiry(kept);
  // A room started again may attach before the DOWN of the process it replaces arrives.
  if (kept.owner !== undefined) unwatch(state, kept.owner.ref);
  const ref = monitor(pid);
  kept.owner = { pid, ref };
  state.owners.set(ref, key);
  return kept.history;
}

/** A history that goes on from storage's: its epoch, its last id, its last messages. */
function seeded(max: number, { epoch, lastId, recent }: HistorySeed): RoomHistory {
  // Messages that do not end at lastId are not the room's last ones: none are kept then.
  const window = recent.at(-1)?.id === lastId ? recent : [];
  const history = new RoomHistory({ max, epoch, lastId: (window[0]?.id ?? lastId + 1) - 1 });
  for (const message of window) history.store(message);
  return history;
}

/** The room's process is gone: its history stays, for `keepEmptyMs` unless it comes back. */
function roomDown(state: State, down: DownMessage): void {
  const key = state.owners.get(down.ref);
  if (key === undefined) return;
  state.owners.delete(down.ref);
  const kept = state.histories.get(key)!;
  kept.owner = undefined;
  // A timer per room, not a scan of every room: nothing to do until one is due.
  const token = makeRef();
  const expiry: ExpireMessage = ['expire', key, token];
  kept.expiry = { timer: sendAfter(self(), expiry, state.options.keepEmptyMs), token };
}

function expire(state: State, [, key, token]: ExpireMessage): void {
  const kept = state.histories.get(key);
  // The token tells a due timer from one cancelled too late (its message already sent).
  if (kept?.expiry?.token === token) drop(state, key, kept);
}

function stopExpiry(kept: Kept): void {
  if (kept.expiry !== undefined) cancelTimer(kept.expiry.timer);
  kept.expiry = undefined;
}

function unwatch(state: State, ref: Ref): void {
  demonitor(ref, { flush: true });
  state.owners.delete(ref);
}
// #endregion attach

// #region append
function append(state: State, key: string, message: HistoryMessage): void {
  const kept = state.histories.get(key);
  // Only an attached room writes: an append for a history dropped meanwhile is stale.
  if (kept?.owner === undefined) return;
  const before = kept.history.bytes;
  if (!kept.history.store(message)) return;
  state.bytes += kept.history.bytes - before;
  // Most recently written last: the Map's order is the order histories are dropped in.
  state.histories.delete(key);
  state.histories.set(key, kept);
  keepWithinBudget(state);
}

/**
 * Drops the histories written least recently until the total is within the budget. A live
 * room's entry moves to the end as it is dropped, so the loop may come to it again, but only
 * once every history before it is dropped: by then the total is 0, and the loop ends.
 */
function keepWithinBudget(state: State): void {
  for (const [key, kept] of state.histories) {
    if (state.bytes <= state.options.maxBytes) return;
    drop(state, key, kept);
  }
}

/**
 * Drops a history's messages. A room that has a process keeps its place (the last id), so
 * its ids go on with no repeat: a client that asks for what is gone gets a gap. Its entry moves
 * to the end, as it holds no bytes: the next over-budget write finds the oldest bytes first.
 */
function drop(state: State, key: string, kept: Kept): void {
  state.bytes -= kept.history.bytes;
  kept.history.forget();
  state.histories.delete(key);
  if (kept.owner !== undefined) state.histories.set(key, kept);
  else stopExpiry(kept);
}
// #endregion append

// #region queries
function query(history: RoomHistory, tag: unknown, args: unknown[]): HistoryReply {
  const [a, b, c] = args as [number, number, number];
  if (tag === 'last' && args.length === 1) return history.last(a);
  if (tag === 'before' && args.length === 3) return history.before(a, b, c);
  if (tag === 'since' && args.length === 2) return history.since(a, b);
  return BAD_REQUEST;
}

/**
 * A room's history; one the keeper does not hold reads as a room where nothing was said, in an
 * epoch of its own: any message a client names there is of an epoch now gone.
 */
function historyOf(state: State, key: string): RoomHistory {
  return state.histories.get(key)?.history ?? new RoomHistory({ max: state.options.historyLength });
}

function usage(state: State): HistoryUsage {
  const rooms = [...state.histories].filter(([, kept]) => kept.history.size > 0);
  return { bytes: state.bytes, rooms: rooms.map(([key]) => key) };
}
// #endregion queries

/** A room's key (its name ignoring case, as in the rooms' registry), if it is a room name. */
function roomKey(room: unknown): string | undefined {
  return typeof room === 'string' && nameProblem(room) === undefined ? nameKey(room) : undefined;
}

function isHistoryMessage(message: unknown): message is HistoryMessage {
  const m = message as Partial<HistoryMessage> | null;
  return (
    typeof m?.epoch === 'number' &&
    typeof m.id === 'number' &&
    typeof m.timestamp === 'number' &&
    typeof m.from === 'string' &&
    typeof m.text === 'string'
  );
}

function isSeed(seed: unknown): seed is HistorySeed {
  const s = seed as Partial<HistorySeed> | null;
  return (
    Number.isSafeInteger(s?.epoch) &&
    Number.isSafeInteger(s?.lastId) &&
    s!.lastId! >= 0 &&
    Array.isArray(s?.recent) &&
    s.recent.every((m) => isHistoryMessage(m) && m.epoch === s.epoch && m.id <= s.lastId!)
  );
}

function validOptions({ historyLength, maxBytes, keepEmptyMs }: HistoryOptions): boolean {
  return (
    Number.isSafeInteger(historyLength) &&
    historyLength >= 1 &&
    maxBytes >= 0 &&
    keepEmptyMs >= 0 &&
    Number.isFinite(keepEmptyMs)
  );
}

function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

function isExpire(message: unknown): message is ExpireMessage {
  return Array.isArray(message) && message[0] === 'expire' && message.length === 3;
}

// #region client
/** The client side, called from rooms and sessions. */
export const HistoryKeeper = {
  ...callbacks,

  /** Starts the keeper, linked to the caller and registered as HISTORY_KEEPER. */
  startLink(options: Partial<HistoryOptions> = {}): Promise<StartResult> {
    return GenServer.startLink(callbacks, options, { name: HISTORY_KEEPER });
  },

  childSpec(options: Partial<HistoryOptions> = {}): ChildSpec {
    return { id: HISTORY_KEEPER, start: () => HistoryKeeper.startLink(options) };
  },

  /**
   * The calling room process attaches to its history: the answer is its epoch and last id.
   * With a `seed`, the history is made again from it (see HistorySeed).
   */
  attach(room: string, seed?: HistorySeed): Promise<AttachReply> {
    const request = seed === undefined ? ['attach', room] : ['attach', room, seed];
    return GenServer.call(HISTORY_KEEPER, request);
  },

  /** The last `k` messages of `room`. */
  last(room: string, k: number, timeoutMs?: number): Promise<HistoryReply> {
    return GenServer.call(HISTORY_KEEPER, ['last', room, k], timeoutMs);
  },

  /** The `k` messages of `room` before message `id` of `epoch`. */
  before(
    room: string,
    epoch: number,
    id: number,
    k: number,
    timeoutMs?: number,
  ): Promise<HistoryReply> {
    return GenServer.call(HISTORY_KEEPER, ['before', room, epoch, id, k], timeoutMs);
  },

  /** The messages of `room` after message `id` of `epoch` (id 0: all of those kept). */
  since(room: string, epoch: number, id: number, timeoutMs?: number): Promise<HistoryReply> {
    return GenServer.call(HISTORY_KEEPER, ['since', room, epoch, id], timeoutMs);
  },

  /** The total bytes kept, and the rooms with messages kept, least recently written first. */
  usage(): Promise<HistoryUsage> {
    return GenServer.call(HISTORY_KEEPER, 'usage');
  },
};
// #endregion client

// #region writer
/**
 * The room's side of its history, kept in the room's state: it numbers each message (the
 * next id after the one `attach` answered, in the epoch it answered), stamps it with the
 * server's time, and casts it to
 * the keeper. The room broadcasts the message it returns, id and timestamp included, after
 * the append: the keeper has it before any member can ask for it.
 */
export class HistoryWriter {
  private constructor(
    readonly room: string,
    /** The epoch of the history the room attached to: every message it numbers carries it. */
    readonly epoch: number,
    private issued: number,
  ) {}

  /** The id of the room's last message. */
  get lastId(): number {
    return this.issued;
  }

  /**
   * Attaches the calling room process to the history of `room`; with `seed` (what storage
   * has of the room), the keeper's history of it starts again from that.
   */
  static async attach(
    room: string,
    seed?: HistorySeed,
  ): Promise<readonly ['ok', HistoryWriter] | BadRequest> {
    const reply = await HistoryKeeper.attach(room, seed);
    return reply[0] === 'ok' ? ['ok', new HistoryWriter(room, reply[1], reply[2])] : reply;
  }

  append(said: Said): HistoryMessage {
    const message = this.number(said);
    this.keep(message);
    return message;
  }

  /** Gives what was said the room's next id and the server's time; the keeper is not told. */
  number(said: Said): HistoryMessage {
    return newHistoryMessage(said, this.epoch, ++this.issued, Date.now());
  }

  /** Hands a numbered message to the keeper (with storage, once it is stored). */
  keep(message: HistoryMessage): void {
    GenServer.cast(HISTORY_KEEPER, ['append', this.room, message]);
  }
}
// #endregion writer
