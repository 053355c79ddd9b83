/**
 * The WebSocket protocol: JSON objects in text frames, each with a `type`. The schemas below
 * are the contract. The server checks every frame it receives against `ClientMessage`, and
 * the tests check every frame it sends against `ServerMessage`; the TypeScript types are
 * inferred from the same schemas, so the types and the checks cannot drift apart.
 *
 * The names and the text follow the rules of @otp-chat/chat, as on the telnet side: a browser
 * user and a telnet user live under one set of rules.
 */

import {
  explainNameProblem,
  explainTextProblem,
  nameProblem,
  textProblem,
  withoutControls,
} from '@otp-chat/chat/rules';
import { ruleCheck } from '@otp-chat/net';
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
// #endregion fields

// #region client
/** What a client sends. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), roomId: RoomId, username: Username }),
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
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const RoomInfo = z.object({ id: z.string(), userCount: z.number().int().nonnegative() });
export type RoomInfo = z.infer<typeof RoomInfo>;

/** What the server sends. Timestamps are milliseconds since 1970, from the room's clock. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), roomId: z.string(), users: z.array(z.string()) }),
  z.object({ type: z.literal('left'), roomId: z.string() }),
  z.object({
    type: z.literal('message'),
    roomId: z.string(),
    from: z.string(),
    text: z.string(),
    timestamp: z.number().int(),
  }),
  z.object({ type: z.literal('user_joined'), roomId: z.string(), username: z.string() }),
  z.object({ type: z.literal('user_left'), roomId: z.string(), username: z.string() }),
  /** `next`, when more rooms follow: the `cursor` of the next page. */
  z.object({ type: z.literal('room_list'), rooms: z.array(RoomInfo), next: z.string().optional() }),
  z.object({ type: z.literal('user_list'), roomId: z.string(), users: z.array(z.string()) }),
  z.object({ type: z.literal('private'), from: z.string(), text: z.string() }),
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
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
