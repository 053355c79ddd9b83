/**
 * Step 7's telnet: /history, /away and /back, and the lines a room's history is shown in; step
 * 8's: /create and /topic, and rooms with their descriptions. Each set is off unless the step's
 * config turns it on (TelnetConfig's `history`, `presence` and `catalog`),
 * so the steps before 7 read and write exactly what they did, /help included. Kept apart from
 * commands.ts and telnet.ts, which chapter 5 shows: there, one call each brings these in.
 */
import {
  type CatalogErrorCode,
  explainNameProblem,
  type HistoryMessage,
  type NameProblem,
  type RoomHistoryPart,
  type RoomListing,
  type RoomNews,
  type Session,
  type SessionError,
  type SessionEvent,
} from '@otp-chat/chat';
import { COMMANDS, textAfter } from './commands.js';
import type { TelnetConfig } from './config.js';
import type { Decoded } from './telnet.js';

/** The command sets a step turns on: none by default. */
export type ExtraCommands = Pick<TelnetConfig, 'history' | 'presence' | 'catalog'>;

/** How many messages /history shows when no count is given. */
export const HISTORY_LINES = 20;

type Usage = readonly [usage: string, what: string];

const HISTORY_COMMANDS: readonly Usage[] = [
  ['/history [n]', `show the last n messages of the room you talk in (${HISTORY_LINES} without n)`],
];

const PRESENCE_COMMANDS: readonly Usage[] = [
  ['/away [message]', 'tell the rooms you are in that you are away, and why'],
  ['/back', 'tell the rooms you are in that you are back'],
];

const CATALOG_COMMANDS: readonly Usage[] = [
  ['/create <room> [text]', 'make a room (empty until someone joins it), saying what it is about'],
  ['/topic <text>', 'set what the room you talk in is about; its members are told'],
];

/** What /help lists: COMMANDS, then the sets turned on. */
export function commandsFor(extras: ExtraCommands): readonly Usage[] {
  return [
    ...COMMANDS,
    ...(extras.history ? HISTORY_COMMANDS : []),
    ...(extras.presence ? PRESENCE_COMMANDS : []),
    ...(extras.catalog ? CATALOG_COMMANDS : []),
  ];
}

/**
 * A command of a set turned on, as a request, or as the error to answer at once when it is
 * used wrongly. Undefined for any other line: commands.ts parses it, as in the steps before.
 */
export function extraCommand(line: string, extras: ExtraCommands): Decoded {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const command = word.toLowerCase();
  if (extras.history && command === '/history') return historyRequest(rest);
  if (extras.presence && command === '/away') {
    // The note is the rest of the line as typed; the session cleans it and checks its length.
    const note = rest.length === 0 ? {} : { message: textAfter(line, 1) };
    return { type: 'status', status: 'away', ...note };
  }
  if (extras.presence && command === '/back') {
    return rest.length === 0 ? { type: 'status', status: 'online' } : usage('/back');
  }
  if (extras.catalog && command === '/create') {
    if (rest.length === 0) return usage('/create <room> [text]');
    const about = rest.length === 1 ? {} : { description: textAfter(line, 2) };
    return { type: 'create_room', room: rest[0]!, ...about };
  }
  if (extras.catalog && command === '/topic') {
    return rest.length === 0 ? usage('/topic <text>') : { type: 'topic', text: textAfter(line, 1) };
  }
  return undefined;
}

function usage(form: string): Decoded {
  return { type: 'reply', line: `error: usage: ${form}` };
}

/** `/history` or `/history <n>`: the session judges n (1 to MAX_HISTORY_PAGE). */
function historyRequest(words: readonly string[]): Decoded {
  if (words.length === 0) return { type: 'history', limit: HISTORY_LINES };
  if (words.length === 1 && /^\d+$/.test(words[0]!)) {
    return { type: 'history', limit: Number(words[0]) };
  }
  return usage('/history [n]');
}

/** A join's catch-up, after the join line: only when the history set is on. */
export function catchUpLines(
  joined: Extract<SessionEvent, { type: 'joined' }>,
  extras: ExtraCommands,
): string[] {
  if (!extras.history || joined.history === undefined) return [];
  return historyLines(joined.history);
}

/** A page of history: what is no longer kept, then each message with its time. */
function historyLines(part: RoomHistoryPart): string[] {
  return [...goneLines(part.gone), ...part.messages.map(messageLine)];
}

/** The answer to /history: a room where nothing was said (or is kept) says so. */
export function historyPageLines(page: Extract<SessionEvent, { type: 'history' }>): string[] {
  const lines = historyLines(page);
  return lines.length === 0 ? [`(nothing said in ${page.room} is kept)`] : lines;
}

function goneLines(gone: number | 'all' | undefined): string[] {
  if (gone === undefined) return [];
  if (gone === 'all') return ['(earlier messages are no longer kept)'];
  return [`(${gone} earlier ${gone === 1 ? 'message is' : 'messages are'} no longer kept)`];
}

/**
 * `[HH:MM] bob: text`, the time in UTC: a telnet client tells the server nothing of its time
 * zone, and one clock for every user lets them say "the 14:02 message" to each other.
 */
function messageLine(message: HistoryMessage): string {
  const time = new Date(message.timestamp).toISOString().slice(11, 16);
  return `[${time}] ${message.from}: ${message.text}`;
}

/**
 * The user's own status news: the room they talk in confirms it (one line, though every room
 * they are in sends it); the other rooms' copies are dropped, as their own messages are.
 */
export function ownStatusLines(news: RoomNews, session: Session): string[] {
  if (news.type !== 'status' || news.roomId !== session.rooms.at(-1)) return [];
  if (news.status === 'online') return ['You are back.'];
  return [news.message === undefined ? 'You are away.' : `You are away: ${news.message}`];
}

/** What a history error (a HistoryErrorCode) says on a terminal. */
export function historyErrorText(error: SessionError): string {
  switch (error.code) {
    case 'NO_HISTORY':
      return 'error: this server keeps no history';
    case 'INVALID_LIMIT':
      // No limit: the server keeps fewer messages a room than the page asked for.
      return error.limit === undefined
        ? 'error: the server keeps fewer messages than that'
        : `error: /history shows 1 to ${error.limit} messages`;
    default:
      // UNKNOWN_MESSAGE_ID: never from /history, which pages from the last message.
      return 'error: no such message';
  }
}

// #region catalog
/**
 * A room of the listing: `lobby (3)`, and what it is about when someone said, in quotes (the
 * listing is one line, and a description may hold commas).
 */
export function listedRoom(room: RoomListing): string {
  const about = room.description === undefined ? '' : ` "${room.description}"`;
  return `${room.id} (${room.userCount})${about}`;
}

/** A room made by /create. */
export function createdLines(event: Extract<SessionEvent, { type: 'room_created' }>): string[] {
  return [`You made ${event.room}; /join ${event.room} to talk there.`];
}

/** A join's topic line: none when the room has no description. */
export function topicLines(joined: Extract<SessionEvent, { type: 'joined' }>): string[] {
  return joined.description === undefined ? [] : [`Topic: ${joined.description}`];
}

/** What a catalog error says on a terminal. */
export function catalogErrorText(error: Extract<SessionEvent, { type: 'catalog_error' }>): string {
  const texts: Record<CatalogErrorCode, () => string> = {
    INVALID_ROOM: () =>
      `error: room names follow the rules for names: ${explainNameProblem(error.problem as NameProblem)}`,
    INVALID_DESCRIPTION: () =>
      error.problem === 'blank'
        ? 'error: a topic needs some text'
        : `error: a description has at most ${error.limit} characters`,
    ROOM_EXISTS: () => `error: there is a room called ${error.subject} already; /join it`,
    NOT_IN_ROOM: () => 'error: you are in no room',
    NO_STORAGE: () => 'error: this server keeps no rooms of its own',
    STORAGE_UNAVAILABLE: () => 'error: the rooms cannot be stored just now; try again later',
  };
  return texts[error.code]();
}
// #endregion catalog
