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
import * as z from 'zod';

// #region fields
/** A user name: 1 to 32 characters, no spaces or control characters, not starting with /. */
export const Username = z.string().check(nameRule());
/** A room name follows the same rules. Rooms are made on demand, so any good name is a room. */
export const RoomId = z.string().check(nameRule());
/** What people say: control characters taken out, then 1 to 2000 characters, not blank. */
export const Text = z
  .string()
  .overwrite(withoutControls)
  .refine((text) => textProblem(text) === undefined, {
    error: (issue) => explainTextProblem(textProblem(issue.input as string)!),
  });

function nameRule() {
  return z.refine<string>((name) => nameProblem(name) === undefined, {
    error: (issue) => explainNameProblem(nameProblem(issue.input as string)!),
  });
}
// #endregion fields

// #region client
/** What a client sends. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), roomId: RoomId, username: Username }),
  z.object({ type: z.literal('leave'), roomId: RoomId }),
  z.object({ type: z.literal('message'), roomId: RoomId, text: Text }),
  z.object({ type: z.literal('list_rooms') }),
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
  'INVALID_JSON', // a frame that is not JSON text (a binary frame is not either)
  'RATE_LIMITED', // too many frames a second
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
  z.object({ type: z.literal('room_list'), rooms: z.array(RoomInfo) }),
  z.object({ type: z.literal('user_list'), roomId: z.string(), users: z.array(z.string()) }),
  z.object({ type: z.literal('private'), from: z.string(), text: z.string() }),
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
// #endregion server

/** The server message of type `T`. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ErrorMessage = ServerMessageOf<'error'>;

// #region decode
/** A frame, decoded: the client's message, or the error to answer it with. */
export type Decoded = readonly ['ok', ClientMessage] | readonly ['error', ErrorMessage];

/** Which error code a field that fails its schema gets. */
const FIELD_CODES: Record<string, ErrorCode> = {
  username: 'INVALID_USERNAME',
  to: 'INVALID_USERNAME',
  roomId: 'INVALID_ROOM',
  text: 'INVALID_MESSAGE',
};

/** Reads one text frame: parses the JSON, then checks it against `ClientMessage`. */
export function decodeClientFrame(text: string): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return ['error', errorMessage('INVALID_JSON', 'the frame is not valid JSON')];
  }
  const result = ClientMessage.safeParse(json);
  if (result.success) return ['ok', result.data];
  // The first problem is enough to answer with; a client fixes one thing at a time.
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0]);
  const code = FIELD_CODES[field];
  if (code === undefined) return ['error', errorMessage('UNKNOWN_MESSAGE', unknownType(json))];
  return ['error', errorMessage(code, `${field}: ${issue.message}`)];
}

function unknownType(json: unknown): string {
  const type = (json as { type?: unknown } | null)?.type;
  const known = ClientMessage.options.map((option) => option.shape.type.value).join(', ');
  return typeof type === 'string'
    ? `unknown message type ${JSON.stringify(type)}; the types are ${known}`
    : `a message is a JSON object with a type: ${known}`;
}
// #endregion decode

export function errorMessage(code: ErrorCode, message: string): ErrorMessage {
  return { type: 'error', code, message };
}
