/**
 * The WebSocket transport adapter: text frames, read against the protocol's schema (protocol.ts),
 * as session requests, and the session's events as server messages. It is all this transport
 * knows of the chat, as telnet.ts is for lines: the web listener (@otp-chat/web) gets it as
 * `jsonAdapter`, and its connections use nothing else of the protocol.
 */
import {
  explainNameProblem,
  explainTextProblem,
  isHistoryError,
  type NameProblem,
  type NewsEncoder,
  type RoomNews,
  type SessionError,
  type SessionEvent,
  type SessionRequest,
  type TextProblem,
} from '@otp-chat/chat';
import { type FrameCodes, readJsonFrame } from '@otp-chat/net';
import type { JsonAdapter } from '@otp-chat/web';
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
  },
  field: 'INVALID_FIELD',
};

/** Reads one text frame: parses the JSON, then checks it against `ClientMessage`. */
export function decodeClientFrame(frame: string): Decoded {
  const read = readJsonFrame(ClientMessage, FRAME_CODES, frame);
  return read[0] === 'ok' ? read : ['error', errorMessage(read[1], read[2])];
}

// #region decode
/** A client message that passed the schema, as a request for the session. */
export function toRequest(message: ClientMessage): SessionRequest {
  switch (message.type) {
    case 'join':
      return { type: 'join', room: message.roomId, username: message.username };
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
  }
}
// #endregion decode

// #region encode
/** A room's news as the text of a frame: its JSON, as UTF-8 bytes, once for every member. */
export const jsonNews: NewsEncoder<Buffer> = (news: RoomNews) => Buffer.from(JSON.stringify(news));

/** What the session said, as the server message to send (a room's news already encoded). */
export function encodeEvent(event: SessionEvent): ServerMessage | Buffer | undefined {
  switch (event.type) {
    case 'joined':
      return { type: 'joined', roomId: event.room, users: [...event.users] };
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
      return { type: 'user_list', roomId: event.room, users: [...event.users] };
    case 'error':
      return isHistoryError(event.code) || event.code === 'STORAGE_UNAVAILABLE'
        ? undefined
        : errorMessage(event.code, errorText(event));
    // The protocol has no message for these: a join names the user, nobody asks for help or
    // (before step 7) for history.
    case 'named':
    case 'help':
    case 'bye':
    case 'history':
      return undefined;
  }
}
// #endregion encode

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
      return `text: ${explainTextProblem(error.problem as TextProblem)}`;
    case 'NOT_IN_ROOM':
      return `you are not in ${error.subject ?? 'any room'}`;
    case 'UNKNOWN_USER':
      return `nobody called ${error.subject} is connected`;
    case 'RATE_LIMITED':
      return `${error.subject} is busy: at most ${error.limit} messages a second; this one was dropped`;
    case 'TOO_MANY_ROOMS':
      return `you are in ${error.limit} rooms, the most allowed: leave one first`;
    // A history request's errors, and storage's (step 8): never sent (see encodeEvent).
    case 'STORAGE_UNAVAILABLE':
    case 'INVALID_LIMIT':
    case 'UNKNOWN_MESSAGE_ID':
    case 'NO_HISTORY':
      return error.code;
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
