/**
 * The WebSocket transport adapter: text frames, read against the protocol's schema (protocol.ts),
 * as session requests, and the session's events as server messages. It is all this transport
 * knows of the chat, as telnet.ts is for lines: the web listener (@otp-chat/web) gets it as
 * `jsonAdapter`, and its connections use nothing else of the protocol.
 */
import {
  explainNameProblem,
  explainTextProblem,
  type NameProblem,
  type NewsEncoder,
  type RoomHistoryPart,
  type RoomNews,
  type SessionError,
  type SessionEvent,
  type SessionRequest,
  type TextProblem,
} from '@otp-chat/chat';
import { type FrameCodes, readJsonFrame } from '@otp-chat/net';
import { catalogRequest, encodeCatalogEvent, type JsonAdapter } from '@otp-chat/web';
import {
  ClientMessage,
  type Decoded,
  type ErrorCode,
  errorMessage,
  type ServerMessage,
} from './protocol.ts';

/** The error code for each kind of bad frame (see readJsonFrame in @otp-chat/net). */
const FRAME_CODES: FrameCodes<ErrorCode> = {
  json: 'INVALID_JSON',
  type: 'UNKNOWN_MESSAGE',
  fields: {
    username: 'INVALID_USERNAME',
    to: 'INVALID_USERNAME',
    roomId: 'INVALID_ROOM',
    text: 'INVALID_MESSAGE',
    // A set_status note: a text, as a message's.
    message: 'INVALID_MESSAGE',
    // A room's description or topic (step 8).
    description: 'INVALID_DESCRIPTION',
  },
  field: 'INVALID_FIELD',
};

/** Reads one text frame: parses the JSON, then checks it against `ClientMessage`. */
export function decodeClientFrame(frame: string): Decoded {
  const read = readJsonFrame(ClientMessage, FRAME_CODES, frame);
  if (read[0] === 'ok') return read;
  // A history page's limit has a code of its own (a list_rooms `limit` does not).
  const code = isPageLimitError(read[2], frame) ? 'INVALID_LIMIT' : read[1];
  return ['error', errorMessage(code, read[2])];
}

function isPageLimitError(text: string, frame: string): boolean {
  return (
    text.startsWith('limit:') && (JSON.parse(frame) as { type: unknown }).type === 'get_history'
  );
}

// #region decode
/** A client message that passed the schema, as a request for the session. */
export function toRequest(message: ClientMessage): SessionRequest {
  switch (message.type) {
    case 'join':
      return {
        type: 'join',
        room: message.roomId,
        username: message.username,
        ...optional('since', message.since),
      };
    case 'leave':
      return { type: 'leave', room: message.roomId };
    case 'message':
      return { type: 'say', room: message.roomId, text: message.text };
    case 'list_rooms':
      return {
        type: 'rooms',
        ...optional('after', message.cursor),
        ...optional('limit', message.limit),
      };
    case 'list_users':
      return { type: 'users', room: message.roomId };
    case 'private':
      return { type: 'private', to: message.to, text: message.text };
    case 'get_history':
      return {
        type: 'history',
        room: message.roomId,
        ...optional('limit', message.limit),
        ...optional('before', message.before),
      };
    case 'set_status':
      return { type: 'status', status: message.status, ...optional('message', message.message) };
    case 'typing':
      return { type: 'typing', room: message.roomId };
    // Step 8: the rooms catalog, as @otp-chat/web reads it for every protocol that has it.
    case 'create_room':
    case 'set_topic':
      return catalogRequest(message);
  }
}
// #endregion decode

// #region encode
/** A room's news as the text of a frame: its JSON, as UTF-8 bytes, once for every member. */
export const jsonNews: NewsEncoder<Buffer> = (news: RoomNews) => Buffer.from(JSON.stringify(news));

/**
 * What the session said, as the server message to send (a room's news already encoded), or the
 * messages, in order: a join that brings history is `joined`, then the history.
 */
export function encodeEvent(
  event: SessionEvent,
): ServerMessage | Buffer | readonly ServerMessage[] | undefined {
  switch (event.type) {
    case 'joined': {
      const joined: ServerMessage = {
        type: 'joined',
        roomId: event.room,
        users: [...event.users],
        ...optional('description', event.description),
      };
      return event.history === undefined
        ? joined
        : [joined, ...historyMessages(event.room, event.history)];
    }
    case 'already_in':
      return errorMessage('ALREADY_IN_ROOM', `you are in ${event.room} already`);
    case 'left':
      return { type: 'left', roomId: event.room };
    case 'room':
      // The sender gets its own message too: the room's copy carries its order and timestamp.
      return event.event.encoded(jsonNews);
    case 'private':
      return { type: 'private', from: event.from, text: event.text };
    case 'rooms':
      // `next`: the cursor of the next page, when the listing goes on.
      return { type: 'room_list', rooms: [...event.rooms], ...optional('next', event.next) };
    case 'users':
      return {
        type: 'user_list',
        roomId: event.room,
        users: [...event.users],
        presence: event.presence.map((member) => ({
          ...member,
          transports: [...member.transports],
        })),
      };
    case 'history':
      // A page asked for: `more` says whether an older one is still kept.
      return historyMessages(event.room, event, event.more);
    case 'error':
      return errorMessage(event.code, errorText(event));
    case 'room_created':
    case 'catalog_error':
      return encodeCatalogEvent(event);
    // The protocol has no message for these: a join names the user, nobody asks for help.
    case 'named':
    case 'help':
    case 'bye':
      return undefined;
  }
}
// #endregion encode

// #region history
/**
 * Part of a room's history as server messages: a `history_gap` first when some of it is no
 * longer kept (`missed` null when the room's numbering started again), then the `history`. A
 * join that brings nothing (no message said yet, nothing missed) sends none.
 */
function historyMessages(roomId: string, part: RoomHistoryPart, more?: boolean): ServerMessage[] {
  const messages: ServerMessage[] = [];
  if (part.gone !== undefined) {
    messages.push({ type: 'history_gap', roomId, missed: part.gone === 'all' ? null : part.gone });
  }
  if (more === undefined && part.gone === undefined && part.messages.length === 0) return messages;
  messages.push({
    type: 'history',
    roomId,
    messages: part.messages.map(({ id, epoch, from, text, timestamp }) => ({
      id,
      epoch,
      from,
      text,
      timestamp,
    })),
    ...optional('more', more),
  });
  return messages;
}
// #endregion history

function errorText(error: SessionError): string {
  switch (error.code) {
    case 'INVALID_USERNAME':
      if (error.problem === 'taken') return `the name ${error.subject} is taken`;
      if (error.problem === 'renamed') return `you are ${error.subject} on this connection`;
      if (error.problem === 'unnamed') return 'join a room first: the first join gives your name';
      return `username: ${explainNameProblem(error.problem as NameProblem)}`;
    case 'INVALID_ROOM':
      return `roomId: ${explainNameProblem(error.problem as NameProblem)}`;
    case 'INVALID_MESSAGE':
      if (error.request === 'status')
        return `message: a status note is at most ${error.limit} characters`;
      return `text: ${explainTextProblem(error.problem as TextProblem)}`;
    case 'NOT_IN_ROOM':
      return `you are not in ${error.subject ?? 'any room'}`;
    case 'UNKNOWN_USER':
      return `nobody called ${error.subject} is connected`;
    case 'RATE_LIMITED':
      return `${error.subject} is busy: at most ${error.limit} messages a second; this one was dropped`;
    case 'TOO_MANY_ROOMS':
      return `you are in ${error.limit} rooms, the most allowed: leave one first`;
    case 'INVALID_LIMIT':
      return `limit: a page of ${error.subject} holds 1 to ${error.limit} messages`;
    case 'UNKNOWN_MESSAGE_ID':
      return `before: ${error.subject} has no message with that id`;
    case 'NO_HISTORY':
      return `${error.subject} keeps no history on this server`;
    // A server with storage (step 8 on) only: this step's never sends it.
    case 'STORAGE_UNAVAILABLE':
      return `${error.subject} cannot store messages just now; yours was not sent`;
  }
}

/** `{ [key]: value }`, or nothing when there is no value. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What the client is told when its session ends on the server's side, with the close. */
export function byeText(event: Extract<SessionEvent, { type: 'bye' }>): string | undefined {
  if (event.reason === 'quit') return undefined;
  return `you fell behind in ${event.room}: ${event.limit} messages waited unread; disconnecting`;
}

// #region adapter
/** This protocol, as the WebSocket connection of @otp-chat/web uses it. */
export const jsonAdapter: JsonAdapter = {
  decode(frame) {
    const decoded = decodeClientFrame(frame);
    return decoded[0] === 'ok' ? ['ok', toRequest(decoded[1])] : decoded;
  },
  encode: encodeEvent,
  errorMessage,
  byeText,
};
// #endregion adapter
