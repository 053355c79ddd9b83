/**
 * The WebSocket protocol: JSON objects in text frames, each with a `type`. The schemas below
 * are the contract. The server checks every frame it receives against `ClientMessage`, and
 * the tests check every frame it sends against `ServerMessage`; the TypeScript types are
 * inferred from the same schemas, so the types and the checks cannot drift apart.
 *
 * The names and the text follow the rules of @otp-chat/chat, as on the telnet side: a browser
 * user and a telnet user live under one set of rules.
 */

import { MAX_HISTORY_PAGE, MAX_STATUS_LENGTH } from '@otp-chat/chat';
import {
  explainNameProblem,
  explainTextProblem,
  nameProblem,
  textProblem,
  withoutControls,
} from '@otp-chat/chat/rules';
import { ruleCheck } from '@otp-chat/net';
import {
  CATALOG_CLIENT,
  CATALOG_ERROR_CODES,
  CATALOG_SERVER,
  CatalogRoomInfo,
} from '@otp-chat/web';
import * as z from 'zod';

// #region fields
/** A user name: 1 to 32 characters, no spaces or control characters, not starting with /. */
export const Username = z.string().check(ruleCheck(nameProblem, explainNameProblem));
/** A room name follows the same rules. Rooms are made on demand, so any good name is a room. */
export const RoomId = z.string().check(ruleCheck(nameProblem, explainNameProblem));
/** What people say: control characters taken out, then 1 to 2000 characters, not blank. */
export const Text = z
  .string()
  .overwrite(withoutControls)
  .check(ruleCheck(textProblem, explainTextProblem));
/**
 * A message of a room, named as the room numbered it (step 7): its `id`, from 1 up by one, and
 * the `epoch` of that numbering, which changes when the room's history starts again.
 */
export const MessageRef = z.object({ epoch: z.number().int(), id: z.number().int().min(0) });
export type MessageRef = z.infer<typeof MessageRef>;
/** A member is online, or away (connected, not reading). */
export const Status = z.enum(['online', 'away']);
export type Status = z.infer<typeof Status>;
// #endregion fields

// #region client
/** What a client sends. */
export const ClientMessage = z.discriminatedUnion('type', [
  /** `since`: the last message seen in the room, to get exactly what came after it (step 7). */
  z.object({
    type: z.literal('join'),
    roomId: RoomId,
    username: Username,
    since: MessageRef.optional(),
  }),
  z.object({ type: z.literal('leave'), roomId: RoomId }),
  z.object({ type: z.literal('message'), roomId: RoomId, text: Text }),
  /** A page of the rooms: those after `cursor` (a room_list's `next`), at most `limit`. */
  z.object({
    type: z.literal('list_rooms'),
    cursor: z.string().max(256).optional(),
    limit: z.number().int().min(1).optional(),
  }),
  z.object({ type: z.literal('list_users'), roomId: RoomId }),
  z.object({ type: z.literal('private'), to: Username, text: Text }),
  // #region client-history
  /** A page of a room's history: the last `limit` messages, or those just before id `before`. */
  z.object({
    type: z.literal('get_history'),
    roomId: RoomId,
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).optional(),
    before: z.number().int().min(1).optional(),
  }),
  /** Online, or away with a note; every room the user is in (or joins later) is told. */
  z.object({
    type: z.literal('set_status'),
    status: Status,
    message: z.string().max(MAX_STATUS_LENGTH).optional(),
  }),
  /** The user is typing in a room: send it on keystrokes; at most one a second reaches it. */
  z.object({ type: z.literal('typing'), roomId: RoomId }),
  // #endregion client-history
  /** Step 8: `create_room` (a room, empty, with a description) and `set_topic`. */
  ...CATALOG_CLIENT,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
// #endregion client

// #region server
export const ERROR_CODES = [
  'INVALID_USERNAME', // a name that breaks the rules, is taken, or differs from the one in use
  'INVALID_ROOM', // a room name that breaks the rules
  'INVALID_MESSAGE', // a text that is blank or too long
  'NOT_IN_ROOM', // leave, or say something in, a room you are not in
  'ALREADY_IN_ROOM', // join a room you are in
  'UNKNOWN_USER', // a private message to a name nobody connected has
  'UNKNOWN_MESSAGE', // no `type`, or one this server does not know
  'INVALID_FIELD', // another field that breaks its rule: a list_rooms `limit` of 0, say
  'INVALID_JSON', // a frame that is not JSON text (a binary frame is not either)
  'RATE_LIMITED', // too many frames a second, or messages in a room (the message is dropped)
  'TOO_MANY_ROOMS', // a join past the rooms one user may be in
  'TOO_SLOW', // so many messages waited unread that a room dropped you; the connection closes next
  'SERVER_SHUTDOWN', // the server is stopping; the connection closes next
  'TIMED_OUT', // no join within the name timeout, or idle past the idle timeout; closes next
  'INVALID_LIMIT', // a get_history `limit` that is not 1 to 100 (or above what rooms keep)
  'UNKNOWN_MESSAGE_ID', // a get_history `before` the room never gave
  'NO_HISTORY', // this server keeps no history (its keeper is restarting)
  'STORAGE_UNAVAILABLE', // a message (or room) the server could not store: nobody saw it
  ...CATALOG_ERROR_CODES, // ROOM_EXISTS, INVALID_DESCRIPTION, NO_STORAGE (step 8)
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A listed room, with what it is about when someone said (step 8). */
export const RoomInfo = CatalogRoomInfo;
export type RoomInfo = z.infer<typeof RoomInfo>;

/** A message as the history keeps it: what `message` carries, without the room. */
export const HistoryMessage = z.object({
  id: z.number().int(),
  epoch: z.number().int(),
  from: z.string(),
  text: z.string(),
  timestamp: z.number().int(),
});
export type HistoryMessage = z.infer<typeof HistoryMessage>;

/** A member of a room: since when (ms since 1970), how connected, and their status. */
export const Presence = z.object({
  username: z.string(),
  since: z.number().int(),
  transports: z.array(z.string()),
  status: Status,
  message: z.string().optional(),
});
export type Presence = z.infer<typeof Presence>;

/** What the server sends. Timestamps are milliseconds since 1970, from the room's clock. */
export const ServerMessage = z.discriminatedUnion('type', [
  /** `description`: what the room is about, when someone said (step 8). */
  z.object({
    type: z.literal('joined'),
    roomId: z.string(),
    users: z.array(z.string()),
    description: z.string().optional(),
  }),
  z.object({ type: z.literal('left'), roomId: z.string() }),
  z.object({
    type: z.literal('message'),
    roomId: z.string(),
    from: z.string(),
    text: z.string(),
    timestamp: z.number().int(),
    /** Its id in the room (1, 2, 3... no gap) and the numbering's epoch: step 7. */
    id: z.number().int(),
    epoch: z.number().int(),
  }),
  z.object({ type: z.literal('user_joined'), roomId: z.string(), username: z.string() }),
  z.object({ type: z.literal('user_left'), roomId: z.string(), username: z.string() }),
  /** `next`, when more rooms follow: the `cursor` of the next page. */
  z.object({ type: z.literal('room_list'), rooms: z.array(RoomInfo), next: z.string().optional() }),
  z.object({
    type: z.literal('user_list'),
    roomId: z.string(),
    users: z.array(z.string()),
    presence: z.array(Presence),
  }),
  z.object({ type: z.literal('private'), from: z.string(), text: z.string() }),
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
  // #region server-history
  /**
   * Messages of a room, oldest first: after `joined`, what was said before the join (or, with
   * `since`, after it: exactly what was missed); or a get_history page, with `more` when older
   * messages are still kept (ask again `before` the first of these).
   */
  z.object({
    type: z.literal('history'),
    roomId: z.string(),
    messages: z.array(HistoryMessage),
    more: z.boolean().optional(),
  }),
  /**
   * Some of what was asked is no longer kept: `missed` messages, just before the history that
   * follows. `null`: nobody knows how many, the room's numbering started again (a new epoch);
   * drop what you hold of the room, and start again from that history.
   */
  z.object({
    type: z.literal('history_gap'),
    roomId: z.string(),
    missed: z.number().int().nonnegative().nullable(),
  }),
  /** A member of a room set a status (an away one may carry a note). */
  z.object({
    type: z.literal('status'),
    roomId: z.string(),
    username: z.string(),
    status: Status,
    message: z.string().optional(),
  }),
  /** A member of a room is typing: show it for a few seconds, or until their message comes. */
  z.object({ type: z.literal('typing'), roomId: z.string(), username: z.string() }),
  // #endregion server-history
  /** Step 8: `room_created` answers a create_room; `topic` tells a room's members its new one. */
  ...CATALOG_SERVER,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
// #endregion server

/** The server message of type `T`. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ErrorMessage = ServerMessageOf<'error'>;

/** A frame, decoded: the client's message, or the error to answer it with. */
export type Decoded = readonly ['ok', ClientMessage] | readonly ['error', ErrorMessage];

export function errorMessage(code: ErrorCode, message: string): ErrorMessage {
  return { type: 'error', code, message };
}
