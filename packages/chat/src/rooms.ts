/**
 * A chat room as a GenServer, one process per room. Rooms are started on demand under a
 * DynamicSupervisor and named through a Registry, so a client reaches a room by its name (say
 * 'lobby') and never needs its pid. Like an Elixir module that `use`s GenServer, this holds both
 * sides: the callbacks that run inside a room's process, and the client functions.
 *
 * A room has members: the connection processes of the people in it, telnet and WebSocket
 * alike; the room cannot tell them apart and does not need to. What happens in the room is
 * sent to the members as one RoomEvent (see room_event.ts), which each connection shows in its
 * own way. A message goes to every member, the one who said it included: the room's copy is
 * what puts it in order among everyone else's, and carries the room's timestamp. The room
 * never writes to a socket and never waits for a member, so a slow or dead connection cannot
 * hold up the rest. It keeps no messages: it passes them on. When the server keeps history
 * (ChatSupervisor's `history` option, from step 7 on), the room numbers each message and hands
 * it to the HistoryKeeper, which keeps it where a crash of the room cannot reach it, and a join
 * may ask for what was said before it (see `catchUp` below).
 *
 * The room monitors every member. However a member's process ends (the user typed /quit, the
 * connection dropped, the process crashed or was killed), the room gets a DOWN message and
 * tells the others that the user left: one mechanism for every way of leaving.
 */
import { inspect } from 'node:util';
import { TokenBucket } from '@otp-chat/net';
import {
  type CallResult,
  type DownMessage,
  type DynamicChildSpec,
  DynamicSupervisor,
  demonitor,
  ExitError,
  type From,
  GenServer,
  monitor,
  type NoReplyResult,
  type Pid,
  Process,
  type Ref,
  Registry,
  type Server,
  type StartResult,
  self,
  send,
  sendAfter,
  type ViaName,
  whereis,
} from '@otp-chat/otp';
import { type HistoryMessage, newEpoch } from './history.js';
import {
  HISTORY_KEEPER,
  HistoryKeeper,
  type HistoryReply,
  type HistorySeed,
  HistoryWriter,
} from './history_keeper.js';
import { newMessage } from './message.js';
import { nameKey, nameProblem } from './names.js';
import { RoomEvent, type RoomNews, type Status } from './room_event.js';
import { byName, RoomIndex } from './room_index.js';
import {
  type CatalogPage,
  type ChatStorage,
  isStorageReply,
  type OpenedRoom,
  STORAGE_UNAVAILABLE,
  type StorageReply,
} from './storage.js';
import { lookupUser, type Transport } from './users.js';

/** A room's news about a message said in it. */
type MessageNews = Extract<RoomNews, { type: 'message' }>;

/** Where rooms register their names. */
export const REGISTRY = 'ChatServer.Registry';
/** The supervisor that starts rooms and restarts them. */
export const ROOM_SUPERVISOR = 'ChatServer.RoomSupervisor';

// #region messages
/** What a room sends its members: one event object, shared by all of them. */
export type RoomMessage = readonly ['room_event', RoomEvent];

/**
 * What a room tells one member about itself: `busy`, the member's message was over the room's
 * rate and was dropped (`limit`: the messages a second the room passes on); `behind`, the member
 * had `limit` messages waiting unread, so the room dropped it (it is no longer a member).
 */
export type RoomNotice =
  | readonly ['room_notice', room: string, what: 'busy' | 'behind', limit: number]
  /** With storage (step 8): the member's message could not be stored, so nobody saw it. */
  | readonly ['room_notice', room: string, what: 'unstored', code: typeof STORAGE_UNAVAILABLE];
// #endregion messages

// #region limits
/**
 * What a room takes on, so that it never accepts more than its members can absorb. Read at a
 * room's start from the rooms' registry (its `meta`, set by ChatSupervisor), as an Erlang
 * process reads its application's environment.
 */
export interface RoomLimits {
  /** Messages a second the room passes on, all its members together, sustained... */
  readonly messagesPerSecond: number;
  /** ...and at once. A message over the rate is dropped and its sender told (RATE_LIMITED). */
  readonly messageBurst: number;
  /**
   * How many messages may wait unread in a member's mailbox when the room sends it one more.
   * Past that the member is behind: it is dropped rather than queued for without end. (The
   * bytes waiting in its socket are bounded on the connection's side: maxOutboundBytes.)
   */
  readonly maxQueuedEvents: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  // What a room passes on, its members take each: 50 a second in a room of 200 is 10,000
  // deliveries a second, and already more than anyone can read. A room that took whatever its
  // members say would let them all fall behind: 200 people within their own limit (20 a second
  // each) would ask for 800,000 deliveries a second.
  messagesPerSecond: 50,
  messageBurst: 100,
  // 10 s of a room at full rate; at most 1000 texts of 2,000 characters (~8 MB with their
  // encodings), shared by all the members that wait for them.
  maxQueuedEvents: 1000,
};

/** The key of the room limits in the rooms' registry's meta. */
export const ROOM_LIMITS = 'room_limits';
/** The key in the rooms' registry's meta that says whether rooms keep history. */
export const ROOM_HISTORY = 'room_history';
/** The key in the rooms' registry's meta of the storage rooms write to (a RoomStorageSetting). */
export const ROOM_STORAGE = 'room_storage';

/** What rooms read of storage as they start: where to store, and how much to read back. */
export interface RoomStorageSetting {
  readonly storage: ChatStorage;
  /** How many of a room's last messages seed the keeper when the room opens. */
  readonly recent: number;
}
// #endregion limits

interface Member {
  readonly name: string;
  /** The room's monitor on the member's process. */
  readonly ref: Ref;
  /** When the member joined (ms since 1970, the room's clock). */
  readonly since: number;
  status: Status;
  /** An away member's note. */
  statusMessage?: string | undefined;
}

/**
 * Who is in a room, as a client shows it: since when, how they are connected (one transport
 * per session today; a user on several devices, a later step, has several), and their status.
 */
export interface MemberPresence {
  readonly username: string;
  readonly since: number;
  readonly transports: readonly Transport[];
  readonly status: Status;
  readonly message?: string;
}

export interface State {
  /** The room's name as it was first asked for (its registry key is the lower-case name). */
  readonly name: string;
  readonly members: Map<Pid, Member>;
  readonly limits: RoomLimits;
  /** The room's rate: a message takes a token, or is dropped. */
  readonly bucket: TokenBucket;
  /**
   * Numbers messages and hands them to the keeper, when the server keeps history (with
   * storage, once the room is open in it).
   */
  history: HistoryWriter | undefined;
  /** Where messages are stored before anyone sees them, when the server has storage. */
  readonly storage: RoomStorage | undefined;
  /** What the room is about: read from storage as the room opens, set by `/topic`. */
  description: string | undefined;
}

/** A room's storage, and its messages waiting for it. */
interface RoomStorage {
  readonly api: ChatStorage;
  /** How many of the room's last messages seed the keeper. */
  readonly recent: number;
  /** The storage's name for the room; undefined until the room is open in storage. */
  key: number | undefined;
  /** How long to wait before trying to open the room again, while storage is away. */
  retryMs: number;
  /** Messages handed to storage, not yet broadcast, in the order numbered, and news behind them. */
  unstored: Unstored[];
  /** The monitor on storage's writer (ChatStorage.writer), while the room is open in storage. */
  writerMonitor: Ref | undefined;
}

/** News waiting its turn: a message waiting for storage, or other news behind one. */
interface Unstored {
  /** The message to store; none for other news (a join, a leave), which needs no storing. */
  readonly message?: HistoryMessage;
  readonly news: RoomNews;
  readonly sender?: Pid | undefined;
  /** Other news: the members when it happened (a message goes to those there when stored). */
  readonly to?: readonly Pid[];
  stored: boolean;
}

type Call =
  | readonly ['join', pid: Pid, user: string, catchUp?: CatchUp]
  | readonly ['leave', pid: Pid]
  | readonly ['topic', pid: Pid, description: string]
  | 'members'
  | 'presence'
  | 'count';
type Cast =
  | readonly ['say', pid: Pid, text: string]
  | readonly ['status', pid: Pid, status: Status, message: string | undefined]
  | readonly ['typing', pid: Pid];

/**
 * What a room keeps as its value in the registry: what a listing of the rooms shows. The room
 * updates it as members come and go, so `/rooms` reads the registry once instead of calling
 * every room (3,000 rooms were 3,000 sequential calls).
 */
export interface RoomListing {
  /** The room's name as the room spells it. */
  readonly id: string;
  readonly userCount: number;
  /** What the room is about, when the server has storage and someone said (step 8 on). */
  readonly description?: string;
}

/** Part of the listing: the rooms after a cursor, in the listing's order, a page at a time. */
export interface RoomPage {
  readonly rooms: RoomListing[];
  /** How many rooms come after this page. */
  readonly more: number;
}

/**
 * What a join answers: the room's name, and who is in it now (the new member last); with
 * history, what the catch-up asked for; with storage, what the room is about, if anyone said.
 */
export type JoinReply = readonly [
  'ok',
  room: string,
  members: string[],
  history?: JoinHistory,
  description?: string,
];

/**
 * What setting a room's topic answers: `not_member`, only members set it; `no_storage`, the
 * server keeps no catalog of rooms (before step 8); `unavailable`, storage is away.
 */
export type TopicResult = 'ok' | 'not_member' | 'no_storage' | 'unavailable';

/** What making a room in the catalog answers (see TopicResult for the last two). */
export type CreateResult = 'created' | 'exists' | 'no_storage' | 'unavailable';

/** A message named by its history's epoch and its id in it (see history.ts). */
export interface MessageRef {
  readonly epoch: number;
  readonly id: number;
}

/**
 * What a joining member asks to be shown of what was said before it joined: the last
 * `replay` messages, or, for a member that comes back, everything after the last message it
 * saw (`since`). A room without history shows nothing.
 */
export interface CatchUp {
  readonly replay?: number;
  readonly since?: MessageRef;
}

/**
 * What a room with history answers a join with: where its numbering stands (`position`: the
 * last message said before the member joined; every later one reaches the member live), and
 * what the catch-up asked for, read from the keeper.
 */
export interface JoinHistory {
  readonly position: MessageRef;
  /** `unavailable`: the keeper did not answer (restarting, or too busy); the join went ahead. */
  readonly caughtUp: HistoryReply | readonly ['error', 'unavailable'];
}

// #region server
/** The server side: these run inside a room's process, one request at a time. */
const callbacks = {
  name: 'ChatServer',

  async init(room: string): Promise<readonly ['ok', State]> {
    // Listed before anyone can join: the index watches the room from now on, however it stops.
    await RoomIndex.started({ id: room, key: nameKey(room), pid: self() });
    const limits = roomLimits();
    const bucket = new TokenBucket({
      ratePerSecond: limits.messagesPerSecond,
      burst: limits.messageBurst,
    });
    const storage = roomStorage();
    const state: State = {
      name: room,
      members: new Map(),
      limits,
      bucket,
      history: undefined,
      storage,
      description: undefined,
    };
    // With storage, nothing is numbered before the room is open in it (see openInStorage).
    if (storage === undefined) state.history = await attachHistory(room);
    else await openInStorage(state, storage);
    return ['ok', state];
  },

  async handleCall(request: Call, _from: From, state: State): Promise<CallResult<State>> {
    if (request === 'members') return ['reply', memberNames(state), state];
    if (request === 'presence') return ['reply', presence(state), state];
    if (request === 'count') return ['reply', state.members.size, state];
    if (isRequest(request, 'join')) {
      // Read before the member is added, and nothing is broadcast meanwhile (the room handles
      // one request at a time): every message is in the catch-up or reaches the member live,
      // never both, never neither.
      const history = await catchUp(state, request[3]);
      const reply = join(state, request[1], request[2]);
      if (history === undefined) return ['reply', reply, state];
      const { description } = state;
      const more = description === undefined ? [history] : [history, description];
      return ['reply', [...reply, ...more], state];
    }
    if (isRequest(request, 'topic')) {
      return ['reply', await setTopic(state, request[1], request[2]), state];
    }
    if (isRequest(request, 'leave')) {
      leave(state, request[1]);
      // An empty room stops: rooms are made on demand, so an unused one must not stay forever.
      return state.members.size === 0 ? ['stop', 'normal', 'ok', state] : ['reply', 'ok', state];
    }
    // No clause matches, as in Elixir: the caller has a bug, so the room crashes (and the caller
    // with it) rather than guess, and its supervisor starts a fresh one.
    throw new Error(`ChatServer: unknown call ${inspect(request)}`);
  },

  handleCast(request: Cast, state: State): NoReplyResult<State> {
    if (isRequest(request, 'say')) say(state, request[1], request[2]);
    else if (isRequest(request, 'status')) setStatus(state, request[1], request[2], request[3]);
    else if (isRequest(request, 'typing')) typing(state, request[1]);
    // Members that fell behind were dropped: the room may have nobody left.
    return state.members.size === 0 ? ['stop', 'normal', state] : ['noreply', state];
  },

  // A member's process ended: it has left; or storage answered. Anything else is dropped, loudly.
  async handleInfo(message: unknown, state: State): Promise<NoReplyResult<State>> {
    if (isStorageReply(message) && state.storage !== undefined) {
      storageReply(state, state.storage, message);
      return ['noreply', state];
    }
    if (message === OPEN_STORAGE && state.storage !== undefined) {
      await openInStorage(state, state.storage);
      return ['noreply', state];
    }
    if (isDown(message) && message.ref === state.storage?.writerMonitor) {
      writerDown(state, state.storage);
      return ['noreply', state];
    }
    if (isDown(message)) {
      leave(state, message.pid as Pid);
      return state.members.size === 0 ? ['stop', 'normal', state] : ['noreply', state];
    }
    console.warn(`ChatServer: dropped unexpected message ${inspect(message)}`);
    return ['noreply', state];
  },
};
// #endregion server

// #region members
function join(state: State, pid: Pid, user: string): JoinReply {
  if (!state.members.has(pid)) {
    broadcast(state, { type: 'user_joined', roomId: state.name, username: user });
    state.members.set(pid, { name: user, ref: monitor(pid), since: Date.now(), status: 'online' });
    publishListing(state);
  }
  return ['ok', state.name, memberNames(state)];
}

function leave(state: State, pid: Pid): void {
  const member = state.members.get(pid);
  if (member === undefined) return;
  demonitor(member.ref, { flush: true });
  state.members.delete(pid);
  publishListing(state);
  broadcast(state, { type: 'user_left', roomId: state.name, username: member.name });
}

/**
 * Tells the members the news, in the room's order. With storage, messages wait to be stored,
 * and news that comes after one waits behind it: a member who said something and then left
 * is seen to say it, then to leave, never the other way round. Such news goes to the members
 * there when it happened (and still there), as it would have at once.
 */
function broadcast(state: State, news: RoomNews, sender?: Pid): void {
  const waiting = state.storage?.unstored;
  if (waiting !== undefined && waiting.length > 0) {
    waiting.push({ news, sender, to: [...state.members.keys()], stored: true });
  } else {
    sendToMembers(state, news, sender);
  }
}

/**
 * Sends the news, one event object for all, to every member (of `to`, when given). Never
 * waits. A member with `maxQueuedEvents` messages unread is behind: it gets no more, and is
 * dropped.
 */
function sendToMembers(state: State, news: RoomNews, sender?: Pid, to?: readonly Pid[]): void {
  const message: RoomMessage = ['room_event', new RoomEvent(news, sender)];
  const { maxQueuedEvents } = state.limits;
  let behind: Pid[] | undefined;
  for (const pid of to ?? state.members.keys()) {
    if (to !== undefined && !state.members.has(pid)) continue;
    // Judged before the send, on the member's mailbox as it is: what waits there is bounded.
    if ((Process.messageQueueLength(pid) ?? 0) >= maxQueuedEvents) (behind ??= []).push(pid);
    else send(pid, message);
  }
  if (behind !== undefined) for (const pid of behind) dropBehind(state, pid);
}

// #endregion members

/** A member said something: every member gets it, the one who said it too. */
function say(state: State, pid: Pid, text: string): void {
  const member = state.members.get(pid);
  // Only members talk here (a line can arrive from someone who has just left).
  if (member === undefined) return;
  const [status, message] = newMessage({ content: text, username: member.name });
  if (status === 'error') return;
  if (!state.bucket.take()) {
    // Over the room's rate: dropped, and the sender told (it stays; it may be one of many).
    const notice: RoomNotice = ['room_notice', state.name, 'busy', state.limits.messagesPerSecond];
    send(pid, notice);
    return;
  }
  const { username: from, content } = message;
  const timestamp = Date.now();
  const news: MessageNews = { type: 'message', roomId: state.name, from, text: content, timestamp };
  // From step 8 on, a server may store messages: nobody sees one before it is stored.
  if (state.storage !== undefined) {
    if (state.history === undefined || state.storage.key === undefined) {
      send(pid, unstoredNotice(state));
    } else store(state.storage, state.history, news, pid);
    return;
  }
  // From step 7 on, a server may keep history: the room numbers the message first.
  broadcast(state, state.history ? numbered(state.history, news) : news, pid);
}

// #region storage
// #region store-then-broadcast
/**
 * Numbers a message and hands it to storage; it waits in `unstored` for the reply. The room
 * goes on meanwhile (joins, leaves, other messages): the reply is one more message in its mailbox.
 */
function store(storage: RoomStorage, history: HistoryWriter, news: MessageNews, pid: Pid): void {
  const message = history.number({ from: news.from, text: news.text });
  const { id, epoch, timestamp } = message;
  storage.unstored.push({
    message,
    news: { ...news, id, epoch, timestamp },
    sender: pid,
    stored: false,
  });
  // The id is the tag: unique in the room's numbering, which never gives an id twice.
  storage.api.write(storage.key!, message, self(), id);
}

/**
 * Storage answered for messages (all of the room's in one batch, by their ids). Stored: the
 * messages at the head of the queue that are all stored are passed on, in the order numbered,
 * so a reply that comes early waits for those before it. Not stored: each sender alone is told,
 * and nobody ever sees those messages (their ids stay unused: gaps, never repeats).
 */
function storageReply(state: State, storage: RoomStorage, [outcome, ids]: StorageReply): void {
  const answered = new Set(ids);
  const isAnswered = ({ message }: Unstored) => message !== undefined && answered.has(message.id);
  if (outcome === 'stored') {
    for (const waiting of storage.unstored) if (isAnswered(waiting)) waiting.stored = true;
  } else {
    for (const failed of storage.unstored.filter(isAnswered)) tellUnstored(state, failed);
    storage.unstored = storage.unstored.filter((waiting) => !isAnswered(waiting));
  }
  const { unstored } = storage;
  while (unstored[0]?.stored) {
    const { message, news, sender, to } = unstored.shift()!;
    if (message !== undefined) state.history!.keep(message);
    sendToMembers(state, news, sender, to);
  }
}
// #endregion store-then-broadcast

/** A message storage did not take: its sender alone is told (if still here). */
function tellUnstored(state: State, failed: Unstored): void {
  if (failed.sender !== undefined && state.members.has(failed.sender)) {
    send(failed.sender, unstoredNotice(state));
  }
}

function unstoredNotice(state: State): RoomNotice {
  return ['room_notice', state.name, 'unstored', STORAGE_UNAVAILABLE];
}

/** The storage the rooms' registry names for rooms, when the server has storage. */
function roomStorage(): RoomStorage | undefined {
  const found = Registry.meta<RoomStorageSetting>(REGISTRY, ROOM_STORAGE);
  if (found === 'error') return undefined;
  const { storage: api, recent } = found[1];
  return {
    api,
    recent,
    key: undefined,
    retryMs: FIRST_RETRY_MS,
    unstored: [],
    writerMonitor: undefined,
  };
}

/** The room tries again to open in storage after this, doubling up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
const OPEN_STORAGE = 'open_storage';

/**
 * Opens the room in storage, and attaches it to its history from there: its numbering goes on
 * where storage has it. While storage is away the room runs all the same (joins, leaves,
 * presence), refuses messages with STORAGE_UNAVAILABLE, and tries again later, by itself.
 */
async function openInStorage(state: State, storage: RoomStorage): Promise<void> {
  let opened: OpenedRoom;
  try {
    opened = await storage.api.open(state.name, newEpoch(), storage.recent);
  } catch (error) {
    return retryOpen(state, storage, (error as Error).message);
  }
  if (storage.api.writer !== undefined) {
    const writer = storage.api.writer();
    if (writer === undefined) return retryOpen(state, storage, 'its writer is not running');
    storage.writerMonitor = monitor(writer);
  }
  storage.key = opened.key;
  storage.retryMs = FIRST_RETRY_MS;
  state.description = opened.description;
  // Opened again after its writer ended: the numbering goes on from the room's own (which
  // counts every id it gave, stored or lost), so no id is given twice.
  state.history ??= await attachHistory(state.name, opened);
}

function retryOpen(state: State, storage: RoomStorage, why: string): void {
  console.warn(`ChatServer: ${state.name} cannot open in storage: ${why}`);
  sendAfter(self(), OPEN_STORAGE, storage.retryMs);
  storage.retryMs = Math.min(MAX_RETRY_MS, storage.retryMs * 2);
}

/**
 * Storage's writer ended: the messages the room handed it and heard nothing back about are
 * lost. Each fails as if storage had said so (the sender told, nobody shown it, its id never
 * given again); the room opens in storage again, through the writer restarted.
 */
function writerDown(state: State, storage: RoomStorage): void {
  storage.writerMonitor = undefined;
  storage.key = undefined;
  for (const waiting of storage.unstored.splice(0)) {
    if (waiting.message === undefined) {
      sendToMembers(state, waiting.news, waiting.sender, waiting.to);
    } else tellUnstored(state, waiting);
  }
  // Not at once: its supervisor is restarting it (and a writer still named but gone would
  // be monitored, and DOWN, again and again).
  retryOpen(state, storage, 'its writer ended');
}

/**
 * A member sets what the room is about: stored first, then every member told. The room waits
 * for the database meanwhile (one short update), as it does to open: a topic is rare, and
 * told in the order of the room's other news.
 */
async function setTopic(state: State, pid: Pid, description: string): Promise<TopicResult> {
  const member = state.members.get(pid);
  if (member === undefined) return 'not_member';
  if (state.storage === undefined) return 'no_storage';
  try {
    // False: the room is not stored (it opened while storage was away).
    if (!(await state.storage.api.describe(state.name, description))) return 'unavailable';
  } catch {
    return 'unavailable';
  }
  state.description = description;
  broadcast(state, { type: 'topic', roomId: state.name, username: member.name, description }, pid);
  return 'ok';
}
// #endregion storage

// #region presence
/** A member's status changed: everyone in the room is told, the member too. */
function setStatus(state: State, pid: Pid, status: Status, message: string | undefined): void {
  const member = state.members.get(pid);
  if (member === undefined) return;
  if (member.status === status && member.statusMessage === message) return;
  member.status = status;
  member.statusMessage = message;
  const { name: username } = member;
  const note = message === undefined ? {} : { message };
  broadcast(state, { type: 'status', roomId: state.name, username, status, ...note }, pid);
}

/** A member is typing: the room passes it on (the session has already slowed it down). */
function typing(state: State, pid: Pid): void {
  const member = state.members.get(pid);
  if (member === undefined) return;
  broadcast(state, { type: 'typing', roomId: state.name, username: member.name }, pid);
}

/** Every member's presence, in the order they joined. */
function presence(state: State): MemberPresence[] {
  return Array.from(state.members.values(), ({ name, since, status, statusMessage }) => {
    // The users registry knows how each user is connected; a user gone meanwhile, nothing.
    const transport = lookupUser(name)?.[1];
    const note = statusMessage === undefined ? {} : { message: statusMessage };
    return { username: name, since, transports: transport ? [transport] : [], status, ...note };
  });
}
// #endregion presence

/**
 * A message numbered in the room's history and handed to the keeper, before anyone sees it (so
 * a member that sees it can ask for it); its timestamp is the history's.
 */
function numbered(history: HistoryWriter, news: MessageNews): MessageNews {
  const { id, epoch, timestamp } = history.append({ from: news.from, text: news.text });
  return { ...news, timestamp, id, epoch };
}

/**
 * Attaches a starting room to its history, when the server keeps history; with storage, the
 * history goes on from what storage holds (`seed`).
 */
async function attachHistory(room: string, seed?: HistorySeed): Promise<HistoryWriter | undefined> {
  const found = Registry.meta<boolean>(REGISTRY, ROOM_HISTORY);
  if (found === 'error' || !found[1]) return undefined;
  const attached = await HistoryWriter.attach(room, seed);
  // The room's name passed the name rules, so the keeper can read it: this is a bug.
  if (attached[0] !== 'ok') throw new Error(`ChatServer: the history keeper refused ${room}`);
  return attached[1];
}

/** Where the room's numbering stands, and what `asked` wants of its history. */
async function catchUp(state: State, asked: CatchUp = {}): Promise<JoinHistory | undefined> {
  const history = state.history;
  if (history === undefined) return undefined;
  // Messages still waiting for storage are not said yet: the member will get them live.
  const waiting = state.storage?.unstored[0]?.message?.id;
  const position = {
    epoch: history.epoch,
    id: waiting === undefined ? history.lastId : waiting - 1,
  };
  const { since, replay = 0 } = asked;
  let caughtUp: HistoryReply | undefined = ['ok', []];
  if (since !== undefined) {
    caughtUp = await askKeeper((ms) => HistoryKeeper.since(state.name, since.epoch, since.id, ms));
  } else if (replay > 0) {
    caughtUp = await askKeeper((ms) => HistoryKeeper.last(state.name, replay, ms));
  }
  return { position, caughtUp: caughtUp ?? ['error', 'unavailable'] };
}

/**
 * How long a room waits for the keeper. The room answers one request at a time, so a join
 * waiting here holds up every message of the room: better a join without history than that.
 */
export const KEEPER_TIMEOUT_MS = 1000;

/**
 * Asks the keeper, or answers undefined when it is not there or too slow: a room must not
 * crash, and take every member with it, because the keeper is restarting or behind. A join
 * then goes ahead without the history, and a page asked for is refused.
 */
async function askKeeper(
  ask: (timeoutMs: number) => Promise<HistoryReply>,
): Promise<HistoryReply | undefined> {
  if (whereis(HISTORY_KEEPER) === undefined) return undefined;
  try {
    return await ask(KEEPER_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof ExitError) return undefined;
    throw error;
  }
}

/**
 * Drops a member that is behind, and tells it why (after what it has not read yet: the
 * connection then says goodbye to its client). The others see it leave.
 */
function dropBehind(state: State, pid: Pid): void {
  if (!state.members.has(pid)) return;
  const notice: RoomNotice = ['room_notice', state.name, 'behind', state.limits.maxQueuedEvents];
  send(pid, notice);
  leave(state, pid);
}

/** The limits the rooms' registry holds for rooms, or the defaults. */
function roomLimits(): RoomLimits {
  const found = Registry.meta<Partial<RoomLimits>>(REGISTRY, ROOM_LIMITS);
  return { ...DEFAULT_ROOM_LIMITS, ...(found === 'error' ? {} : found[1]) };
}

/** Keeps the room's entry in the registry up to date: the listing reads it from there. */
function publishListing(state: State): void {
  Registry.updateValue(REGISTRY, nameKey(state.name), () =>
    listing(state.name, state.members.size),
  );
}

function listing(id: string, userCount: number): RoomListing {
  return { id, userCount };
}

function memberNames(state: State): string[] {
  return Array.from(state.members.values(), (member) => member.name);
}

// #region names
/** A room's name as a server name: its key in the registry, which ignores case. */
function via(room: string): ViaName {
  return Registry.via(REGISTRY, nameKey(room), listing(room, 0));
}
// #endregion names

export type CreateRoomResult =
  | 'ok'
  | readonly ['error', 'already_exists' | 'invalid_name']
  /** The room could not start for another reason (the supervisor's answer, passed on). */
  | readonly ['error', unknown];

// #region client
/** The client side: called from any process (here, connection processes). */
export const ChatServer = {
  ...callbacks,

  /** Starts the room `room`, linked to the caller and registered under its name. */
  startLink(room: string): Promise<StartResult> {
    return GenServer.startLink(callbacks, room, { name: via(room) });
  },

  /**
   * How the room supervisor starts a room (the id labels it in the tree). `transient`: a room
   * that crashes is started again, one that stops because it emptied is not.
   */
  childSpec(room: string): DynamicChildSpec {
    return { id: room, start: () => ChatServer.startLink(room), restart: 'transient' };
  },

  /** Opens a new, empty room. Room names follow the rules for user names. */
  async createRoom(room: string): Promise<CreateRoomResult> {
    if (typeof room !== 'string' || nameProblem(room) !== undefined)
      return ['error', 'invalid_name'];
    const result = await DynamicSupervisor.startChild(ROOM_SUPERVISOR, ChatServer.childSpec(room));
    if (result === 'ignore' || result[0] === 'ok') return 'ok';
    // The registry lets one process hold a name: a second room by that name cannot start.
    if (isAlreadyStarted(result[1])) return ['error', 'already_exists'];
    return result;
  },

  /**
   * Joins the room called `room` as `user`, opening it if nobody has; the caller's process is
   * the member. Resolves to the room's pid and its reply.
   *
   * A room stops when its last member leaves, so the room found may stop before the join
   * reaches it. The call then fails with `noproc` or `normal`, and the join starts over: the
   * next attempt opens a fresh room.
   */
  async join(room: string, user: string, catchUp?: CatchUp): Promise<readonly [Pid, JoinReply]> {
    const request: Call =
      catchUp === undefined ? ['join', self(), user] : ['join', self(), user, catchUp];
    for (let attempt = 1; ; attempt++) {
      const pid = ChatServer.whereis(room) ?? (await openRoom(room));
      try {
        return [pid, await GenServer.call<JoinReply>(pid, request)];
      } catch (error) {
        if (attempt === 3 || !roomWentAway(error)) throw error;
      }
    }
  },

  /** Leaves a room; the room stops once its last member has left. */
  leave(room: Server): Promise<'ok'> {
    return GenServer.call(room, ['leave', self()]);
  },

  /** Says `text` in a room, to every member (the caller too). Does not wait. */
  say(room: Server, text: string): void {
    GenServer.cast(room, ['say', self(), text]);
  },

  /** Sets what a room is about, if the caller is a member and the server has storage. */
  setTopic(room: Server, description: string): Promise<TopicResult> {
    return GenServer.call(room, ['topic', self(), description]);
  },

  /**
   * Makes `room` in storage's catalog, with `description`, without starting it: it is listed,
   * and its first join starts it. Its name has passed the name rules.
   */
  async createInCatalog(room: string, description: string | undefined): Promise<CreateResult> {
    const found = Registry.meta<RoomStorageSetting>(REGISTRY, ROOM_STORAGE);
    if (found === 'error') return 'no_storage';
    try {
      return await found[1].storage.create(room, description, newEpoch());
    } catch {
      return 'unavailable';
    }
  },

  /**
   * With storage, a page of every room it has, people in it or not (in the order of their
   * keys, storage's), each with its description and its count from the registry (0 when it is
   * not running). Undefined without storage, or while storage is away: the live listing stands.
   */
  async catalogPage(after: string | undefined, limit: number): Promise<RoomPage | undefined> {
    const found = Registry.meta<RoomStorageSetting>(REGISTRY, ROOM_STORAGE);
    if (found === 'error') return undefined;
    let page: CatalogPage;
    try {
      page = await found[1].storage.catalog(after, limit);
    } catch {
      return undefined;
    }
    const rooms = page.rooms.map(({ name, description }) => {
      const [entry] = Registry.lookup<RoomListing>(REGISTRY, nameKey(name));
      const about = description === undefined ? {} : { description };
      return { id: name, userCount: entry?.[1].userCount ?? 0, ...about };
    });
    return { rooms, more: page.more };
  },

  /** The names of the people in a room. */
  members(room: Server): Promise<string[]> {
    return GenServer.call(room, 'members');
  },

  /** Who is in a room, with since when, how they are connected and their status. */
  presence(room: Server): Promise<MemberPresence[]> {
    return GenServer.call(room, 'presence');
  },

  /** Sets the caller's status in a room, which tells its members. Does not wait. */
  setStatus(room: Server, status: Status, message?: string): void {
    GenServer.cast(room, ['status', self(), status, message]);
  },

  /** Tells a room the caller is typing. Does not wait. */
  typing(room: Server): void {
    GenServer.cast(room, ['typing', self()]);
  },

  /**
   * The rooms that are running, each with how many people are in it, sorted by name: one read
   * of the registry, where each room keeps its listing up to date.
   */
  listRooms(): RoomListing[] {
    const rooms = Registry.entries<RoomListing>(REGISTRY).map(([, , listing]) => listing);
    return rooms.sort((a, b) => byName.compare(a.id, b.id));
  },

  // #region listing
  /**
   * The first `limit` rooms whose names sort after `after` (all of them without it), and how
   * many more there are: read from the rooms' index, sorted, from the cursor on, so a page costs
   * O(log N + limit) however many rooms there are. Each room's count comes from its registry
   * entry, which also tells a room that has just stopped (its entry is gone) from a live one.
   */
  listRoomsPage(after: string | undefined, limit: number): RoomPage {
    const rooms: RoomListing[] = [];
    for (const { key, pid, left } of RoomIndex.after(after)) {
      const listed = running(key, pid);
      if (listed === undefined) continue;
      if (rooms.length === limit) return { rooms, more: left + 1 };
      rooms.push(listed);
    }
    return { rooms, more: 0 };
  },
  // #endregion listing

  /** The pid of a room, if it is running. */
  whereis(room: string): Pid | undefined {
    return Registry.lookup(REGISTRY, nameKey(room))[0]?.[0];
  },

  /**
   * At most `limit` messages of `room`'s history: the last ones, or those just before the
   * message `before`. Undefined when the server keeps no history, or its keeper did not answer.
   */
  async history(
    room: string,
    limit: number,
    before?: MessageRef,
  ): Promise<HistoryReply | undefined> {
    const reply = await askKeeper((ms) =>
      before === undefined
        ? HistoryKeeper.last(room, limit, ms)
        : HistoryKeeper.before(room, before.epoch, before.id, limit, ms),
    );
    // Past the keeper's window (or a page longer than it), storage has the rest. Read here,
    // in the asker's process: a slow query holds up the one who asked, never the room or
    // the keeper.
    const pastWindow = reply?.[0] === 'gap' ? reply[1] !== 'all' : reply?.[1] === 'bad_limit';
    return pastWindow ? ((await fromStorage(room, limit, before)) ?? reply) : reply;
  },
};
// #endregion client

/**
 * A page of `room` from storage, when the server has storage, or undefined (no storage, or it
 * is away: the keeper's answer then stands).
 */
async function fromStorage(
  room: string,
  limit: number,
  before: MessageRef | undefined,
): Promise<HistoryReply | undefined> {
  const found = Registry.meta<RoomStorageSetting>(REGISTRY, ROOM_STORAGE);
  if (found === 'error') return undefined;
  try {
    return ['ok', await found[1].storage.before(room, before?.id, limit)];
  } catch {
    return undefined;
  }
}

/** Opens `room` and returns its pid, or the pid of whoever opened it just before us. */
async function openRoom(room: string): Promise<Pid> {
  const result = await ChatServer.createRoom(room);
  const pid = ChatServer.whereis(room);
  if (pid !== undefined) return pid;
  const reason = result === 'ok' ? 'stopped at once' : result[1];
  throw new ExitError(reason, `room ${room} did not start: ${inspect(reason)}`);
}

function roomWentAway(error: unknown): boolean {
  return error instanceof ExitError && (error.code === 'noproc' || error.code === 'normal');
}

function isRequest<T extends string>(
  request: unknown,
  tag: T,
): request is readonly [T, ...unknown[]] {
  return Array.isArray(request) && request[0] === tag;
}

function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

function isAlreadyStarted(reason: unknown): boolean {
  return Array.isArray(reason) && reason[0] === 'already_started';
}

/** The listing of the room under `key` while it runs as `pid`; undefined once it has stopped. */
function running(key: string, pid: Pid): RoomListing | undefined {
  const [entry] = Registry.lookup<RoomListing>(REGISTRY, key);
  return entry?.[0] === pid ? entry[1] : undefined;
}

// #region directory
/**
 * How a session reaches rooms: find one, join it (it is made if new), leave it, say something
 * in it, list them. `localRooms` is the directory of this node's rooms; a directory of rooms
 * spread over several nodes would implement the same interface.
 */
export interface RoomDirectory {
  /**
   * Joins `room` as `user` (the caller's process is the member), opening it if nobody has; a
   * room with history answers with what `catchUp` asks for.
   */
  join(room: string, user: string, catchUp?: CatchUp): Promise<readonly [Pid, JoinReply]>;
  leave(room: Pid): Promise<'ok'>;
  say(room: Pid, text: string): void;
  presence(room: Pid): Promise<MemberPresence[]>;
  setStatus(room: Pid, status: Status, message?: string): void;
  typing(room: Pid): void;
  find(room: string): Pid | undefined;
  /** Every room with its member count, sorted by name: one read, however many rooms. */
  list(): RoomListing[];
  /** At most `limit` rooms of that listing, those after the room named `after`. */
  page(after: string | undefined, limit: number): RoomPage;
  /** Part of a room's history (see ChatServer.history); undefined without history. */
  history(room: string, limit: number, before?: MessageRef): Promise<HistoryReply | undefined>;
  /** From step 8 on: make a room in the catalog, list the catalog, set a room's topic. */
  create(room: string, description: string | undefined): Promise<CreateResult>;
  catalog(after: string | undefined, limit: number): Promise<RoomPage | undefined>;
  setTopic(room: Pid, description: string): Promise<TopicResult>;
}

/** The rooms of this node: ChatServer processes under ROOM_SUPERVISOR, named in REGISTRY. */
export const localRooms: RoomDirectory = {
  join: (room, user, catchUp) => ChatServer.join(room, user, catchUp),
  leave: (room) => ChatServer.leave(room),
  say: (room, text) => ChatServer.say(room, text),
  presence: (room) => ChatServer.presence(room),
  setStatus: (room, status, message) => ChatServer.setStatus(room, status, message),
  typing: (room) => ChatServer.typing(room),
  find: (room) => ChatServer.whereis(room),
  list: () => ChatServer.listRooms(),
  page: (after, limit) => ChatServer.listRoomsPage(after, limit),
  history: (room, limit, before) => ChatServer.history(room, limit, before),
  create: (room, description) => ChatServer.createInCatalog(room, description),
  catalog: (after, limit) => ChatServer.catalogPage(after, limit),
  setTopic: (room, description) => ChatServer.setTopic(room, description),
};
// #endregion directory
