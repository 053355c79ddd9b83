/**
 * A user's session: everything about a connected user that does not depend on how they are
 * connected. It owns the user's name, the rooms they are in (with a monitor on each, to join a
 * room again when it restarts), the rules (names, text), the commands and what a disconnect
 * means. It knows nothing of bytes: a transport adapter turns what its client sends into
 * SessionRequests, and the SessionEvents the session emits into what its client reads.
 *
 * The session is a plain object that lives in its connection's process, ranch style: one
 * process per connection runs the transport and the session, so a line typed costs no hop
 * between processes on its way to the room. (Phoenix runs a transport process and a channel
 * process per topic; it buys isolation between a user's topics, which a chat with a few rooms
 * per user does not need, and pays a message per request for it.) The session is reached by
 * the process's pid: rooms send it their news and users their private lines, and the
 * connection passes what its mailbox holds to `handleInfo`.
 */
import {
  type DownMessage,
  demonitor,
  monitor,
  type Pid,
  type Ref,
  self,
  sendAfter,
} from '@otp-chat/otp';
import { safeEcho } from '@otp-chat/unicode-safety';
import type { HistoryError, HistoryMessage } from './history.js';
import type { HistoryReply } from './history_keeper.js';
import { type NameProblem, nameKey, nameProblem } from './names.js';
import type { RoomEvent, Status } from './room_event.js';
import {
  type CreateResult,
  type JoinReply,
  localRooms,
  type MemberPresence,
  type MessageRef,
  type RoomDirectory,
  type RoomListing,
  type RoomMessage,
  type RoomNotice,
  type TopicResult,
} from './rooms.js';
import { cleanText, type TextProblem, textProblem } from './text.js';
import { claimUserName, isPrivateMessage, sendToUser, type Transport } from './users.js';

// #region requests
/** What a client asks of its session, decoded by its transport adapter. */
export type SessionRequest =
  /** Take a name (a telnet login). */
  | { readonly type: 'name'; readonly name: string }
  /**
   * Join a room, or make a room already joined the one the user talks in. A `username` names
   * the user first (the WebSocket protocol's join carries it); `since`, the last message the
   * user saw there, asks for what came after it (when rooms keep history, from step 7 on).
   */
  | {
      readonly type: 'join';
      readonly room: string;
      readonly username?: string;
      readonly since?: MessageRef;
    }
  /** Leave `room`, or the room the user talks in. */
  | { readonly type: 'leave'; readonly room?: string }
  /** Say `text` in `room`, or in the room the user talks in. */
  | { readonly type: 'say'; readonly room?: string; readonly text: string }
  /** The rooms, a page at a time: those whose names sort after `after`, at most `limit`. */
  | { readonly type: 'rooms'; readonly after?: string; readonly limit?: number }
  /** Who is in `room` (any room), or in the room the user talks in. */
  | { readonly type: 'users'; readonly room?: string }
  | { readonly type: 'private'; readonly to: string; readonly text: string }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  /** From step 7 on: a status and typing (PresenceRequest), a page of history (HistoryRequest). */
  | PresenceRequest
  | HistoryRequest
  /** From step 8 on: make a room with a description, set a room's topic (CatalogRequest). */
  | CatalogRequest;
// #endregion requests

/**
 * With storage (step 8 on), rooms outlive their members: make one, empty, with what it is
 * about (`description`, optional); or set the topic of `room` (one the user is in), or of the
 * room the user talks in. The listing then shows every stored room, empty ones too.
 */
export type CatalogRequest =
  | { readonly type: 'create_room'; readonly room: string; readonly description?: string }
  | { readonly type: 'topic'; readonly room?: string; readonly text: string };

/**
 * The errors only a catalog request gets. Their own event (`catalog_error`), not `error`: the
 * protocols of steps 5 to 7 have no catalog requests, and need not know these codes.
 */
export type CatalogErrorCode =
  | 'INVALID_ROOM'
  /** A description blank (a topic) or too long (`limit`). */
  | 'INVALID_DESCRIPTION'
  /** A room of that name (in any case, or a lookalike) is stored already. */
  | 'ROOM_EXISTS'
  | 'NOT_IN_ROOM'
  /** The server keeps no rooms (steps 5 to 7): nothing to create or describe. */
  | 'NO_STORAGE'
  /** Storage is away: nothing was made or changed. */
  | 'STORAGE_UNAVAILABLE';

/**
 * Set the user's status in every room they are in (and those they join later): `online`, or
 * `away` with an optional note. Or tell a room (the one the user talks in without `room`)
 * that the user is typing; at most one a second reaches the room.
 */
export type PresenceRequest =
  | { readonly type: 'status'; readonly status: Status; readonly message?: string }
  | { readonly type: 'typing'; readonly room?: string };

/**
 * A page of a room's history, to scroll back (from step 7 on): at most `limit` messages
 * (DEFAULT_REPLAY by default, MAX_HISTORY_PAGE at most) of `room`, or of the room the user
 * talks in; the last ones, or those just before the message `before` (an id of the room's
 * current numbering, as its messages carry it).
 */
export interface HistoryRequest {
  readonly type: 'history';
  readonly room?: string;
  readonly limit?: number;
  readonly before?: number;
}

/** The codes of the errors a session reports: the WebSocket protocol's error codes. */
export type SessionErrorCode =
  | 'INVALID_USERNAME'
  | 'INVALID_ROOM'
  | 'INVALID_MESSAGE'
  | 'NOT_IN_ROOM'
  | 'UNKNOWN_USER'
  /** A message over its room's rate, dropped (`limit`: the room's messages a second). */
  | 'RATE_LIMITED'
  /** A join past the rooms a user may be in (`limit`). */
  | 'TOO_MANY_ROOMS'
  /** A message the server could not store (its database is away): nobody saw it (step 8). */
  | 'STORAGE_UNAVAILABLE'
  | HistoryErrorCode;

/** The errors only a history request gets: a transport that sends none never sees them. */
export type HistoryErrorCode =
  /** A page's limit that is not a whole number from 1 to MAX_HISTORY_PAGE (`limit`). */
  | 'INVALID_LIMIT'
  /** A page `before` an id the room never gave: past its last message, or below 1. */
  | 'UNKNOWN_MESSAGE_ID'
  /** The server keeps no history (steps 5 and 6). */
  | 'NO_HISTORY';

/** Whether `code` is a history request's: a protocol without that request can leave it out. */
export function isHistoryError(code: SessionErrorCode): code is HistoryErrorCode {
  return code === 'INVALID_LIMIT' || code === 'UNKNOWN_MESSAGE_ID' || code === 'NO_HISTORY';
}

/** How many rooms one user may be in at once (ergo, the IRC server, allows 100 channels). */
export const MAX_ROOMS_PER_USER = 100;
/** The most rooms one listing shows; the rest come a page at a time. */
export const MAX_LISTED_ROOMS = 100;
/** How soon a session tries again to join a room it was in, when the rooms' side was down. */
const REJOIN_RETRY_MS = 50;

/** The longest description (or topic) of a room, in characters. */
export const MAX_DESCRIPTION_LENGTH = 200;
/** At most one typing notice a second from a user reaches a room. */
export const TYPING_INTERVAL_MS = 1000;
/** The longest note an away status may carry, in characters. */
export const MAX_STATUS_LENGTH = 100;
/** How many of a room's last messages a join shows, when the server keeps history. */
export const DEFAULT_REPLAY = 50;
/** The most messages one history page holds: as many as a room keeps by default. */
export const MAX_HISTORY_PAGE = 100;

/** Why a name was refused: a rule it breaks, or the state of this session or the server. */
export type NameRefusal =
  | NameProblem
  | 'taken' // somebody else has it
  | 'renamed' // this session has another name already (`subject` is that name)
  | 'unnamed'; // the request needs a name and the user has none yet

// #region events
/** What a session tells its client, encoded by its transport adapter. */
export type SessionEvent =
  | { readonly type: 'named'; readonly name: string }
  /**
   * Joined `room`, where `users` are now (the user last); `rejoined` after a room restarted.
   * With history, what was said before the join comes with it (see RoomHistoryPart).
   */
  | {
      readonly type: 'joined';
      readonly room: string;
      readonly users: readonly string[];
      readonly rejoined: boolean;
      readonly history?: RoomHistoryPart;
      /** What the room is about, with storage, when someone said (step 8 on). */
      readonly description?: string;
    }
  /** A room made in the catalog (step 8 on), empty until someone joins it. */
  | { readonly type: 'room_created'; readonly room: string; readonly description?: string }
  /** A join of a room the user is in: they now talk there. */
  | { readonly type: 'already_in'; readonly room: string }
  /** Left `room`; `now` is the room the user talks in from now on, if any. */
  | { readonly type: 'left'; readonly room: string; readonly now: string | undefined }
  /** A room's news; `mine` when it is the user's own message coming back. */
  | { readonly type: 'room'; readonly event: RoomEvent; readonly mine: boolean }
  | { readonly type: 'private'; readonly from: string; readonly text: string }
  /** A page of the listing; `more` rooms come after it, from `next` on (the page's last room). */
  | {
      readonly type: 'rooms';
      readonly rooms: readonly RoomListing[];
      readonly more: number;
      readonly next?: string;
    }
  /** Who is in `room`: their names, and (from step 7 on) each one's presence. */
  | {
      readonly type: 'users';
      readonly room: string;
      readonly users: readonly string[];
      readonly presence: readonly MemberPresence[];
    }
  /**
   * A page of `room`'s history, oldest first, answering a history request. `gone` as in
   * RoomHistoryPart; `more` when older messages are still kept: the next page is the one
   * `before` the first of these.
   */
  | {
      readonly type: 'history';
      readonly room: string;
      readonly messages: readonly HistoryMessage[];
      readonly gone?: number | 'all';
      readonly more: boolean;
    }
  | { readonly type: 'help' }
  /** The session is over: the connection says goodbye and closes. */
  | { readonly type: 'bye'; readonly reason: 'quit' }
  /** ...because `room` dropped the user: `limit` of its messages waited unread. */
  | {
      readonly type: 'bye';
      readonly reason: 'behind';
      readonly room: string;
      readonly limit: number;
    }
  | {
      readonly type: 'error';
      readonly code: SessionErrorCode;
      /** The request that failed. */
      readonly request: SessionRequest['type'];
      /**
       * The name, room or user the error is about, when there is one: quoted by safeEcho (at
       * most 64 characters, control and invisible characters written as escapes).
       */
      readonly subject?: string;
      readonly problem?: NameRefusal | TextProblem;
      /** The limit broken: RATE_LIMITED, TOO_MANY_ROOMS, INVALID_LIMIT, a status note too long. */
      readonly limit?: number;
    }
  /** A catalog request refused (see CatalogErrorCode); the fields are those of `error`. */
  | {
      readonly type: 'catalog_error';
      readonly code: CatalogErrorCode;
      readonly request: CatalogRequest['type'];
      readonly subject?: string;
      readonly problem?: NameProblem | TextProblem;
      readonly limit?: number;
    };
// #endregion events

export type SessionError = Extract<SessionEvent, { type: 'error' }>;

/**
 * Part of a room's history, oldest first. `gone` when some of what was asked for is no longer
 * kept: how many messages are lost before the first of `messages`, or 'all' when the room's
 * numbering started again since (its history was dropped whole, see history.ts).
 */
export interface RoomHistoryPart {
  readonly messages: readonly HistoryMessage[];
  readonly gone?: number | 'all';
}

export interface SessionOptions {
  /** How the user is connected, as the users registry shows it. */
  readonly transport: Transport;
  /** Where the rooms are: this node's by default. */
  readonly rooms?: RoomDirectory;
  /** The longest text a user may say, in characters (code points): MAX_TEXT_LENGTH by default. */
  readonly maxTextLength?: number;
  /** How many rooms the user may be in at once: MAX_ROOMS_PER_USER by default. */
  readonly maxRooms?: number;
  /** The most rooms one listing shows: MAX_LISTED_ROOMS by default. */
  readonly maxListedRooms?: number;
  /** How many earlier messages a join shows when rooms keep history: DEFAULT_REPLAY by default. */
  readonly replay?: number;
  /** Called with every event for the client, in order, in the session's process. */
  readonly emit: (event: SessionEvent) => void;
}

/**
 * Where a user stands in a room's history. The room's own for the session: it changes in place
 * with every message the user is shown, so a busy room does not make an object per delivery
 * (one that lives until the next, long enough to burden the garbage collector).
 */
interface Seen {
  epoch: number;
  id: number;
}

/** A room the user is in. */
interface JoinedRoom {
  /** The room's name as the room spells it: what its news carries as `roomId`. */
  readonly name: string;
  pid: Pid;
  /** Our monitor on the room: if it goes down, we join it again. */
  ref: Ref;
  /**
   * With history: the last message of the room the user has seen (or where the room's
   * numbering stood when they joined), so that joining again asks for exactly what came after.
   */
  seen: Seen | undefined;
  /** When the user last told this room they were typing (performance.now(); -Infinity: never). */
  typedAt: number;
}

export class Session {
  /** The user's name, once taken; kept until the session ends. */
  name: string | undefined;
  /**
   * The rooms the user is in, in the order joined: the last one is where they talk. Copied on
   * change by concat and slice, so that it is always just as long as it needs to be: an array
   * that grows by `push` (or is made by a spread) keeps room for 17 (152 bytes), and most users
   * are in one room, for hours.
   */
  private joined: readonly JoinedRoom[] = [];
  private readonly me: Pid = self();
  private readonly directory: RoomDirectory;
  private readonly emit: (event: SessionEvent) => void;
  private readonly transport: Transport;
  private readonly maxTextLength: number | undefined;
  private readonly maxRooms: number;
  private readonly maxListedRooms: number;
  private readonly replay: number;
  private status: Status = 'online';
  private statusMessage: string | undefined;

  constructor(options: SessionOptions) {
    this.replay = options.replay ?? DEFAULT_REPLAY;
    this.maxTextLength = options.maxTextLength;
    this.maxRooms = options.maxRooms ?? MAX_ROOMS_PER_USER;
    this.maxListedRooms = options.maxListedRooms ?? MAX_LISTED_ROOMS;
    this.directory = options.rooms ?? localRooms;
    this.emit = options.emit;
    this.transport = options.transport;
  }

  /** The names of the rooms the user is in, in the order joined. */
  get rooms(): string[] {
    return this.joined.map((room) => room.name);
  }

  /** Acts on one request; what comes of it is emitted. */
  async handle(request: SessionRequest): Promise<void> {
    switch (request.type) {
      case 'name':
        this.claimName(request.name, 'name');
        return;
      case 'join':
        return this.join(request.room, request.username, request.since);
      case 'leave':
        return this.leave(request.room);
      case 'say':
        return this.say(request.text, request.room);
      case 'rooms':
        return this.listRooms(request.after, request.limit);
      case 'create_room':
        return this.createRoom(request.room, request.description);
      case 'topic':
        return this.setTopic(request.text, request.room);
      case 'users':
        return this.users(request.room);
      case 'private':
        return this.privateMessage(request.to, request.text);
      case 'status':
        this.setStatus(request.status, request.message);
        return;
      case 'typing':
        this.typing(request.room);
        return;
      case 'history':
        return this.history(request);
      case 'help':
        this.emit({ type: 'help' });
        return;
      case 'quit':
        this.emit({ type: 'bye', reason: 'quit' });
        return;
    }
  }

  // #region handle
  /**
   * A message from the mailbox that is the session's business: a room's news, a private line,
   * a room that went down. False for anything else (the transport's own messages). A room that
   * went down is joined again, which waits for the room: that alone returns a promise (of true).
   */
  handleInfo(message: unknown): boolean | Promise<true> {
    if (isRoomMessage(message)) this.roomNews(message[1]);
    else if (isRoomNotice(message)) this.roomNotice(message);
    else if (isPrivateMessage(message))
      this.emit({ type: 'private', from: message[1], text: message[2] });
    else if (isDown(message) && this.joined.some((room) => room.ref === message.ref)) {
      return this.roomDown(message);
    } else return false;
    return true;
  }
  // #endregion handle

  // #region name
  /** Takes `name` for this session; false (after saying why) if it cannot be had. */
  private claimName(name: string, request: SessionRequest['type']): boolean {
    if (this.name !== undefined) {
      if (this.name === name) return true;
      this.error('INVALID_USERNAME', request, this.name, 'renamed');
      return false;
    }
    const problem = nameProblem(name);
    if (problem !== undefined) {
      this.error('INVALID_USERNAME', request, name, problem);
      return false;
    }
    if (!claimUserName(name, this.transport)) {
      this.error('INVALID_USERNAME', request, name, 'taken');
      return false;
    }
    this.name = name;
    this.emit({ type: 'named', name });
    return true;
  }
  // #endregion name

  // #region rooms
  private async join(room: string, username?: string, since?: MessageRef): Promise<void> {
    if (username !== undefined && !this.claimName(username, 'join')) return;
    const user = this.name;
    if (user === undefined) {
      this.error('INVALID_USERNAME', 'join', undefined, 'unnamed');
      return;
    }
    const problem = nameProblem(room);
    if (problem !== undefined) {
      this.error('INVALID_ROOM', 'join', room, problem);
      return;
    }
    const index = this.findIndex(room);
    if (index >= 0) {
      // Already in it: it becomes the room the user talks in.
      const joined = this.joined[index]!;
      this.joined = without(this.joined, index).concat([joined]);
      this.emit({ type: 'already_in', room: joined.name });
      return;
    }
    if (this.joined.length >= this.maxRooms) {
      this.error('TOO_MANY_ROOMS', 'join', room, undefined, this.maxRooms);
      return;
    }
    const catchUp = since === undefined ? { replay: this.replay } : { since };
    const [pid, [, name, users, history, description]] = await this.directory.join(
      room,
      user,
      catchUp,
    );
    const joined: JoinedRoom = {
      name,
      pid,
      ref: monitor(pid),
      seen: history === undefined ? undefined : { ...history.position },
      typedAt: Number.NEGATIVE_INFINITY,
    };
    this.joined = this.joined.concat([joined]);
    this.tellStatus(pid);
    this.emit({
      type: 'joined',
      room: name,
      users,
      rejoined: false,
      ...caughtUp(joined, history),
      ...(description === undefined ? {} : { description }),
    });
  }

  private async leave(room?: string): Promise<void> {
    const index = room === undefined ? this.joined.length - 1 : this.findIndex(room);
    if (index < 0) {
      this.error('NOT_IN_ROOM', 'leave', room);
      return;
    }
    const left = this.joined[index]!;
    this.joined = without(this.joined, index);
    demonitor(left.ref, { flush: true });
    await this.directory.leave(left.pid);
    this.emit({ type: 'left', room: left.name, now: this.joined.at(-1)?.name });
  }

  private say(text: string, room?: string): void {
    const clean = cleanText(text);
    const problem = textProblem(clean, this.maxTextLength);
    if (problem !== undefined) {
      this.error('INVALID_MESSAGE', 'say', room, problem);
      return;
    }
    const joined = this.joinedRoom(room);
    // The room sends the message back to us with everyone's copies: it puts it in order.
    if (joined === undefined) this.error('NOT_IN_ROOM', 'say', room);
    else this.directory.say(joined.pid, clean);
  }

  /** Who is in `room` (anyone may ask about any room) or in the room the user talks in. */
  private async users(room?: string): Promise<void> {
    const joined = this.joinedRoom(room);
    if (room === undefined && joined === undefined) {
      this.error('NOT_IN_ROOM', 'users');
      return;
    }
    const pid = joined?.pid ?? this.directory.find(room!);
    let presence: MemberPresence[] = [];
    try {
      if (pid !== undefined) presence = await this.directory.presence(pid);
    } catch {
      // The room stopped as we asked: nobody is in it.
    }
    const users = presence.map((member) => member.username);
    this.emit({ type: 'users', room: joined?.name ?? room!, users, presence });
  }

  /**
   * A page of the rooms listing: never more than maxListedRooms, however many rooms there are.
   * With storage, every stored room (empty ones too); without it, or while it is away, the
   * rooms running now.
   */
  private async listRooms(after: string | undefined, limit = this.maxListedRooms): Promise<void> {
    const most = Math.min(limit, this.maxListedRooms);
    const page = (await this.directory.catalog(after, most)) ?? this.directory.page(after, most);
    const next = page.more > 0 ? page.rooms.at(-1)?.id : undefined;
    this.emit({ type: 'rooms', ...page, ...(next === undefined ? {} : { next }) });
  }

  // #region catalog
  /** Makes an empty room, with what it is about; a blank description is none. */
  private async createRoom(room: string, description?: string): Promise<void> {
    const problem = nameProblem(room);
    if (problem !== undefined) return this.refuse('INVALID_ROOM', 'create_room', room, problem);
    const about = description === undefined ? undefined : cleanText(description).trim();
    const aboutProblem = about === undefined ? undefined : descriptionProblem(about);
    if (aboutProblem !== undefined && aboutProblem !== 'blank') {
      return this.refuse('INVALID_DESCRIPTION', 'create_room', room, aboutProblem);
    }
    const given = aboutProblem === 'blank' ? undefined : about;
    const result = await this.directory.create(room, given);
    if (result !== 'created') return this.refuse(CREATE_ERRORS[result], 'create_room', room);
    this.emit({
      type: 'room_created',
      room,
      ...(given === undefined ? {} : { description: given }),
    });
  }

  /** Sets the topic of a room the user is in: the room tells its members, the user too. */
  private async setTopic(text: string, room?: string): Promise<void> {
    const joined = this.joinedRoom(room);
    if (joined === undefined) return this.refuse('NOT_IN_ROOM', 'topic', room);
    const topic = cleanText(text).trim();
    const problem = descriptionProblem(topic);
    if (problem !== undefined)
      return this.refuse('INVALID_DESCRIPTION', 'topic', joined.name, problem);
    const result = await this.directory.setTopic(joined.pid, topic);
    if (result !== 'ok') this.refuse(TOPIC_ERRORS[result], 'topic', joined.name);
  }

  private refuse(
    code: CatalogErrorCode,
    request: CatalogRequest['type'],
    subject?: string,
    problem?: NameProblem | TextProblem,
  ): void {
    const limit = code === 'INVALID_DESCRIPTION' ? { limit: MAX_DESCRIPTION_LENGTH } : {};
    this.emit({
      type: 'catalog_error',
      code,
      request,
      ...(subject === undefined ? {} : { subject: safeEcho(subject) }),
      ...(problem === undefined ? {} : { problem }),
      ...limit,
    });
  }
  // #endregion catalog

  /**
   * What a room says to this user alone: a message over its rate was dropped, or could not be
   * stored; or the user was so far behind that the room dropped them, which ends the session.
   */
  private roomNotice(notice: RoomNotice): void {
    if (notice[2] === 'unstored') {
      this.error(notice[3], 'say', notice[1]);
      return;
    }
    const [, room, what, limit] = notice;
    if (what === 'busy') {
      this.error('RATE_LIMITED', 'say', room, undefined, limit);
      return;
    }
    const index = this.joined.findIndex((joined) => joined.name === room);
    if (index < 0) return;
    const dropped = this.joined[index]!;
    this.joined = without(this.joined, index);
    demonitor(dropped.ref, { flush: true });
    this.emit({ type: 'bye', reason: 'behind', room, limit });
  }

  /** A room's news, for the client if the user is still in that room. */
  private roomNews(event: RoomEvent): void {
    const { news } = event;
    // News sent just before we left a room is not for us any more.
    const room = joinedNamed(this.joined, news.roomId);
    if (room === undefined) return;
    if (news.type === 'message' && news.id !== undefined && news.epoch !== undefined) {
      see(room, news.epoch, news.id);
    }
    const mine = event.sender === this.me;
    // The user knows they are typing.
    if (news.type === 'typing' && mine) return;
    this.emit({ type: 'room', event, mine });
  }

  /**
   * A room we are in went down: it crashed (its supervisor restarts it, empty) or its
   * supervisor was restarted. Join it again, so the user stays where they were.
   */
  private async roomDown(down: DownMessage): Promise<true> {
    const room = this.joined.find((joined) => joined.ref === down.ref);
    if (room === undefined || this.name === undefined) return true;
    // With history, what was said between the crash and now is shown: nothing is missed.
    const catchUp = room.seen === undefined ? {} : { since: { ...room.seen } };
    let joined: Awaited<ReturnType<RoomDirectory['join']>>;
    try {
      joined = await this.directory.join(room.name, this.name, catchUp);
    } catch {
      // The rooms' whole side is restarting (its history keeper or registry went down, and the
      // room supervisor with it): for a moment there is nowhere to start the room. Try again
      // shortly, as often as it takes; if it never comes back, the server stops anyway.
      sendAfter(self(), down, REJOIN_RETRY_MS);
      return true;
    }
    const [pid, [, , users, history]] = joined;
    room.pid = pid;
    room.ref = monitor(pid);
    // The room started again knows nobody's status: an away user is away there still.
    this.tellStatus(pid);
    this.emit({
      type: 'joined',
      room: room.name,
      users,
      rejoined: true,
      ...caughtUp(room, history),
    });
    return true;
  }

  // #region presence
  /** An away user is away in a room they (re)join too: the room is told as they join. */
  private tellStatus(room: Pid): void {
    if (this.status !== 'online') this.directory.setStatus(room, this.status, this.statusMessage);
  }

  /** Sets the user's status, and tells every room they are in; a bad note is refused. */
  private setStatus(status: Status, message?: string): void {
    const note =
      message === undefined || status === 'online' ? undefined : cleanText(message).trim();
    const problem = note === undefined ? undefined : textProblem(note, MAX_STATUS_LENGTH);
    // A blank note is no note.
    if (problem !== undefined && problem !== 'blank') {
      this.error('INVALID_MESSAGE', 'status', undefined, problem, MAX_STATUS_LENGTH);
      return;
    }
    this.status = status;
    this.statusMessage = problem === 'blank' ? undefined : note;
    for (const room of this.joined) this.directory.setStatus(room.pid, status, this.statusMessage);
  }

  /** Tells a room the user is typing, at most once every TYPING_INTERVAL_MS; more is dropped. */
  private typing(room?: string): void {
    const joined = this.joinedRoom(room);
    if (joined === undefined) {
      this.error('NOT_IN_ROOM', 'typing', room);
      return;
    }
    const now = performance.now();
    if (now - joined.typedAt < TYPING_INTERVAL_MS) return;
    joined.typedAt = now;
    this.directory.typing(joined.pid);
  }
  // #endregion presence

  // #region history
  /** A page of a room's history, for a client scrolling back; `more` says if it can go on. */
  private async history({ room, limit = DEFAULT_REPLAY, before }: HistoryRequest): Promise<void> {
    const joined = this.joinedRoom(room);
    if (joined === undefined) return this.error('NOT_IN_ROOM', 'history', room);
    if (!isPageLimit(limit)) {
      return this.error('INVALID_LIMIT', 'history', joined.name, undefined, MAX_HISTORY_PAGE);
    }
    // A room with history told us its epoch when we joined; one without, nothing.
    const epoch = joined.seen?.epoch;
    if (epoch === undefined) return this.error('NO_HISTORY', 'history', joined.name);
    const from = before === undefined ? undefined : { epoch, id: before };
    const reply = await this.directory.history(joined.name, limit, from);
    // The keeper is not running (it crashed, and is starting again) or did not answer in time.
    if (reply === undefined) return this.error('NO_HISTORY', 'history', joined.name);
    if (reply[0] === 'error') return this.error(HISTORY_ERRORS[reply[1]], 'history', joined.name);
    const page = historyPart(reply);
    const more = await this.olderKept(joined.name, page);
    this.emit({ type: 'history', room: joined.name, ...page, more });
  }

  /**
   * Whether the message just before a page is still kept. A gap says it is not; else one more
   * message is asked for, since the keeper's answer does not say where what it keeps begins.
   */
  private async olderKept(room: string, page: RoomHistoryPart): Promise<boolean> {
    const first = page.messages[0];
    if (first === undefined || page.gone !== undefined || first.id === 1) return false;
    const above = await this.directory.history(room, 1, first);
    return above?.[0] === 'ok' && above[1].length === 1;
  }
  // #endregion history

  /** The room called `room`, or the room the user talks in; undefined if the user is not in it. */
  private joinedRoom(room?: string): JoinedRoom | undefined {
    return room === undefined ? this.joined.at(-1) : this.joined[this.findIndex(room)];
  }

  /** Where the room called `room` (in any case) is in the user's list, or -1. */
  private findIndex(room: string): number {
    const key = nameKey(room);
    return this.joined.findIndex((joined) => nameKey(joined.name) === key);
  }
  // #endregion rooms

  // #region private
  /** One user to another, whatever transport each is on. */
  private privateMessage(to: string, text: string): void {
    const from = this.name;
    if (from === undefined) {
      this.error('INVALID_USERNAME', 'private', undefined, 'unnamed');
      return;
    }
    const clean = cleanText(text);
    const problem = textProblem(clean, this.maxTextLength);
    if (problem !== undefined) {
      this.error('INVALID_MESSAGE', 'private', to, problem);
      return;
    }
    if (!sendToUser(to, from, clean)) this.error('UNKNOWN_USER', 'private', to);
  }
  // #endregion private

  private error(
    code: SessionErrorCode,
    request: SessionRequest['type'],
    subject?: string,
    problem?: NameRefusal | TextProblem,
    limit?: number,
  ): void {
    this.emit({
      type: 'error',
      code,
      request,
      // Quoted, never echoed: a subject may be anything the client sent (`/msg <ESC>[2J hi`).
      ...(subject === undefined ? {} : { subject: safeEcho(subject) }),
      ...(problem === undefined ? {} : { problem }),
      ...(limit === undefined ? {} : { limit }),
    });
  }
}

/**
 * What a join's answer says of the history, for the `joined` event; and the last message the
 * user has now seen of the room.
 */
function caughtUp(room: JoinedRoom, history: JoinReply[3]): { history?: RoomHistoryPart } {
  if (history === undefined) return {};
  const { position, caughtUp } = history;
  // Whatever the catch-up answered, the user is now where the room stands: what comes next
  // reaches them live. A `since` the room never had (a client's mistake) shows nothing.
  see(room, position.epoch, position.id);
  return caughtUp[0] === 'error' ? {} : { history: historyPart(caughtUp) };
}

/** The user has now seen message `id` of the room's history `epoch`. */
function see(room: JoinedRoom, epoch: number, id: number): void {
  if (room.seen === undefined) room.seen = { epoch, id };
  else {
    room.seen.epoch = epoch;
    room.seen.id = id;
  }
}

/** The room named `name` (as the room spells it) among those joined: a loop, no closure. */
function joinedNamed(joined: readonly JoinedRoom[], name: string): JoinedRoom | undefined {
  for (const room of joined) if (room.name === name) return room;
  return undefined;
}

function historyPart(reply: Exclude<HistoryReply, readonly ['error', unknown]>): RoomHistoryPart {
  return reply[0] === 'ok' ? { messages: reply[1] } : { messages: reply[2], gone: reply[1] };
}

/** What is wrong with a room's description (controls already taken out), if anything. */
function descriptionProblem(description: string): TextProblem | undefined {
  return textProblem(description, MAX_DESCRIPTION_LENGTH);
}

/** What the session says of each refusal of a create... */
const CREATE_ERRORS = {
  exists: 'ROOM_EXISTS',
  no_storage: 'NO_STORAGE',
  unavailable: 'STORAGE_UNAVAILABLE',
} as const satisfies Record<Exclude<CreateResult, 'created'>, CatalogErrorCode>;

/** ...and of a topic. */
const TOPIC_ERRORS = {
  // The room dropped the user (behind) as the topic was on its way.
  not_member: 'NOT_IN_ROOM',
  no_storage: 'NO_STORAGE',
  unavailable: 'STORAGE_UNAVAILABLE',
} as const satisfies Record<Exclude<TopicResult, 'ok'>, CatalogErrorCode>;

function isPageLimit(limit: number): boolean {
  return Number.isInteger(limit) && limit >= 1 && limit <= MAX_HISTORY_PAGE;
}

/** What the session says of each answer the keeper refuses a page with. */
const HISTORY_ERRORS: Record<HistoryError | 'bad_request', SessionErrorCode> = {
  // The keeper holds fewer messages per room than asked (its historyLength below the page).
  bad_limit: 'INVALID_LIMIT',
  unknown_id: 'UNKNOWN_MESSAGE_ID',
  // Neither comes from here: the epoch is the room's own, the room's name one the room gave.
  bad_epoch: 'UNKNOWN_MESSAGE_ID',
  bad_request: 'INVALID_ROOM',
};

function isRoomMessage(message: unknown): message is RoomMessage {
  return (message as unknown[] | null)?.[0] === 'room_event';
}

function isRoomNotice(message: unknown): message is RoomNotice {
  return (message as unknown[] | null)?.[0] === 'room_notice';
}

function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

/** `rooms` without the one at `index`, in a new array (slice and concat: no room to spare). */
function without(rooms: readonly JoinedRoom[], index: number): JoinedRoom[] {
  return rooms.slice(0, index).concat(rooms.slice(index + 1));
}
