/**
 * The telnet transport adapter: what a telnet (or netcat) user types, as session requests, and
 * what the session says, as lines of text. It is all this transport knows of the chat; the
 * session (in @otp-chat/chat) knows nothing of lines.
 *
 * Contract of an adapter: `decode(input)` gives a request for the session, a reply to send
 * straight back (a command used wrongly), or nothing; `encode(event)` gives what to write.
 */
import {
  explainNameProblem,
  explainTextProblem,
  type NameProblem,
  type NewsEncoder,
  type RoomListing,
  type RoomNews,
  type Session,
  type SessionError,
  type SessionEvent,
  type SessionRequest,
  type TextProblem,
  withoutControls,
} from '@otp-chat/chat';
import { type Command, parseCommand } from './commands.js';
import {
  catalogErrorText,
  catchUpLines,
  commandsFor,
  createdLines,
  type ExtraCommands,
  extraCommand,
  historyErrorText,
  historyPageLines,
  listedRoom,
  ownStatusLines,
  topicLines,
} from './extra_commands.js';

/** What a line decodes to: a request for the session, or a line to answer with at once. */
export type Decoded =
  | SessionRequest
  | { readonly type: 'reply'; readonly line: string }
  | undefined;

// #region decode
/** A line the user typed, once they have a name. */
export function decodeLine(line: string, extras: ExtraCommands = {}): Decoded {
  if (line.startsWith('/')) return extraCommand(line, extras) ?? fromCommand(parseCommand(line));
  // An empty line is no message, and no mistake either.
  if (withoutControls(line).trim() === '') return undefined;
  return { type: 'say', text: line };
}

/** A line typed at the name prompt: the name, or /quit. */
export function decodeName(line: string): SessionRequest {
  const name = line.trim();
  return name === '/quit' ? { type: 'quit' } : { type: 'name', name };
}

function fromCommand(command: Command): Decoded {
  switch (command[0]) {
    case 'join':
      return { type: 'join', room: command[1] };
    case 'msg':
      return { type: 'private', to: command[1], text: command[2] };
    case 'error':
      return { type: 'reply', line: `error: ${command[1]}` };
    default:
      return { type: command[0] };
  }
}
// #endregion decode

// #region encode
/** A room's news as a line, with its line end: made once per event, for every telnet member. */
export const telnetNews: NewsEncoder<Buffer> = (news: RoomNews) =>
  Buffer.from(`${newsText(news)}\r\n`);

function newsText(news: RoomNews): string {
  switch (news.type) {
    case 'message':
      return `${news.from}: ${news.text}`;
    case 'user_joined':
      return `* ${news.username} joined ${news.roomId}`;
    case 'user_left':
      return `* ${news.username} left ${news.roomId}`;
    case 'status':
      if (news.status === 'online') return `* ${news.username} is back`;
      return `* ${news.username} is away${news.message === undefined ? '' : `: ${news.message}`}`;
    case 'typing':
      // Never written: see roomLines.
      return '';
    case 'topic':
      return `* ${news.username} set the topic of ${news.roomId}: ${news.description}`;
  }
}

// #region event
/**
 * What the session said, as what to write: lines of text (without line ends) or a room's
 * encoded bytes. `session`: who the user is, in which rooms; `extras`: later steps' commands.
 */
export function encodeEvent(
  event: SessionEvent,
  session: Session,
  extras: ExtraCommands = {},
): Array<string | Buffer> {
  switch (event.type) {
    case 'named':
      return [`Hello ${event.name}! Type /help for the commands.`];
    case 'joined':
      return [
        joinedText(event, session.name),
        ...topicLines(event),
        ...catchUpLines(event, extras),
      ];
    case 'already_in':
      return [`You now talk in ${event.room}.`];
    case 'left':
      return [
        event.now === undefined
          ? `You left ${event.room}; you are in no room now (/join one).`
          : `You left ${event.room}; you talk in ${event.now}.`,
      ];
    case 'room':
      return roomLines(event.event.news, event.mine, session, event.event.encoded(telnetNews));
    case 'private':
      return [`[private] ${event.from}: ${event.text}`];
    case 'rooms':
      return [roomsText(event.rooms, event.more)];
    case 'users':
      return [`In ${event.room}: ${event.users.join(', ')}`];
    case 'history':
      return historyPageLines(event);
    case 'help':
      return commandsFor(extras).map(([usage, what]) => `  ${usage.padEnd(20)} ${what}`);
    case 'bye':
      return event.reason === 'quit'
        ? ['Bye!']
        : [
            `error: you fell behind in ${event.room} (${event.limit} messages waiting unread); ` +
              'disconnecting.',
          ];
    case 'error':
      return errorLines(event);
    case 'room_created':
      return createdLines(event);
    case 'catalog_error':
      return [catalogErrorText(event)];
  }
}
// #endregion event

/** The first page of the listing, and how many rooms it leaves out. */
function roomsText(rooms: readonly RoomListing[], more: number): string {
  if (rooms.length === 0) return 'There are no rooms; /join one to make it.';
  const listed = rooms.map(listedRoom).join(', ');
  return more === 0 ? `Rooms: ${listed}` : `Rooms: ${listed}, and ${more} more`;
}

function joinedText(
  { room, users, rejoined }: Extract<SessionEvent, { type: 'joined' }>,
  me: string | undefined,
): string {
  if (rejoined) return `* ${room} restarted; you are still in it.`;
  const others = users.filter((user) => user !== me);
  return others.length === 0
    ? `You joined ${room}; nobody else is here.`
    : `You joined ${room} with ${others.join(', ')}.`;
}

/**
 * A room's news. The terminal already shows what the user typed, so their own message is not
 * written again (their own status is confirmed once); in several rooms, a message says which
 * room it is from.
 */
function roomLines(
  news: RoomNews,
  mine: boolean,
  session: Session,
  line: Buffer,
): Array<string | Buffer> {
  // Their own topic is shown them, as the room has it (cleaned).
  if (mine) return news.type === 'topic' ? [line] : ownStatusLines(news, session);
  // A terminal has no place for "ada is typing...": a line would push the conversation up.
  if (news.type === 'typing') return [];
  if (news.type === 'message' && session.rooms.length > 1) {
    return [Buffer.from(`[${news.roomId}] `), line];
  }
  return [line];
}

function errorLines(error: SessionError): string[] {
  switch (error.code) {
    case 'INVALID_USERNAME':
      if (error.problem === 'taken') return [`Sorry, the name ${error.subject} is taken.`];
      return [`Sorry, ${explainNameProblem(error.problem as NameProblem)}.`];
    case 'INVALID_ROOM':
      return [
        `error: room names follow the rules for names: ${explainNameProblem(error.problem as NameProblem)}`,
      ];
    case 'NOT_IN_ROOM':
      return [
        error.request === 'say'
          ? 'error: you are in no room; /join one'
          : 'error: you are in no room',
      ];
    case 'INVALID_MESSAGE':
      // A blank line is no message, and no mistake either.
      if (error.problem === 'blank') return [];
      return [`error: ${explainTextProblem(error.problem as TextProblem)}; dropped.`];
    case 'UNKNOWN_USER':
      return [`error: nobody called ${error.subject} is connected`];
    case 'RATE_LIMITED':
      return [
        `error: ${error.subject} is busy (at most ${error.limit} messages a second); yours was dropped.`,
      ];
    case 'TOO_MANY_ROOMS':
      return [`error: you are in ${error.limit} rooms, the most allowed; /leave one first`];
    case 'STORAGE_UNAVAILABLE':
      return [`error: ${error.subject} cannot store messages just now; yours was not sent.`];
    case 'INVALID_LIMIT':
    case 'UNKNOWN_MESSAGE_ID':
    case 'NO_HISTORY':
      return [historyErrorText(error)];
  }
}
// #endregion encode
