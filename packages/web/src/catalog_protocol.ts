/**
 * The JSON messages of the rooms catalog (step 8, with storage), for a step's protocol to add
 * to its own: `create_room` and `set_topic` from the client; `room_created`, the `topic` news
 * (a room's RoomNews, as every news is sent) and rooms listed with their `description` from the
 * server; and the error codes only these requests get. The steps before 8 leave them out.
 */
import { type CatalogRequest, MAX_DESCRIPTION_LENGTH, type SessionEvent } from '@otp-chat/chat';
import { explainNameProblem, type NameProblem, nameProblem } from '@otp-chat/chat/rules';
import { ruleCheck } from '@otp-chat/net';
import * as z from 'zod';

const RoomId = z.string().check(ruleCheck(nameProblem, explainNameProblem));
/**
 * At most 2 UTF-16 units a character: the frame's bound. The session judges the length in
 * characters, after taking out control characters (INVALID_DESCRIPTION).
 */
const Description = z.string().max(2 * MAX_DESCRIPTION_LENGTH);

// #region client
export const CreateRoom = z.object({
  type: z.literal('create_room'),
  roomId: RoomId,
  description: Description.optional(),
});
export const SetTopic = z.object({
  type: z.literal('set_topic'),
  roomId: RoomId,
  description: Description,
});
/** For the step's ClientMessage: `z.discriminatedUnion('type', [...theirs, ...CATALOG_CLIENT])`. */
export const CATALOG_CLIENT = [CreateRoom, SetTopic] as const;
export type CatalogClientMessage = z.infer<typeof CreateRoom> | z.infer<typeof SetTopic>;

/** A catalog message that passed the schema, as a request for the session. */
export function catalogRequest(message: CatalogClientMessage): CatalogRequest {
  if (message.type === 'set_topic') {
    return { type: 'topic', room: message.roomId, text: message.description };
  }
  const about = message.description === undefined ? {} : { description: message.description };
  return { type: 'create_room', room: message.roomId, ...about };
}
// #endregion client

// #region server
/** The codes only catalog requests get, for the step's ERROR_CODES (the rest it has already). */
export const CATALOG_ERROR_CODES = ['ROOM_EXISTS', 'INVALID_DESCRIPTION', 'NO_STORAGE'] as const;

/** A listed room: the step's RoomInfo, with what the room is about. */
export const CatalogRoomInfo = z.object({
  id: z.string(),
  userCount: z.number().int().nonnegative(),
  description: z.string().optional(),
});

export const RoomCreated = z.object({
  type: z.literal('room_created'),
  roomId: z.string(),
  description: z.string().optional(),
});
/** A room's topic news, as the room sends it (RoomNews `topic`). */
export const Topic = z.object({
  type: z.literal('topic'),
  roomId: z.string(),
  username: z.string(),
  description: z.string(),
});
/** For the step's ServerMessage union. */
export const CATALOG_SERVER = [RoomCreated, Topic] as const;

type CatalogEvent = Extract<SessionEvent, { type: 'room_created' | 'catalog_error' }>;

/** A catalog event as the server message to send: an error's code with a sentence for people. */
export function encodeCatalogEvent(event: CatalogEvent):
  | z.infer<typeof RoomCreated>
  | {
      type: 'error';
      code: Extract<CatalogEvent, { type: 'catalog_error' }>['code'];
      message: string;
    } {
  if (event.type === 'room_created') {
    const about = event.description === undefined ? {} : { description: event.description };
    return { type: 'room_created', roomId: event.room, ...about };
  }
  return { type: 'error', code: event.code, message: CATALOG_TEXTS[event.code](event) };
}

const CATALOG_TEXTS: Record<
  Extract<SessionEvent, { type: 'catalog_error' }>['code'],
  (error: Extract<SessionEvent, { type: 'catalog_error' }>) => string
> = {
  INVALID_ROOM: (e) => `roomId: ${explainNameProblem(e.problem as NameProblem)}`,
  INVALID_DESCRIPTION: (e) =>
    e.problem === 'blank'
      ? 'description: a topic needs some text'
      : `description: at most ${e.limit} characters`,
  ROOM_EXISTS: (e) => `there is a room called ${e.subject} already`,
  NOT_IN_ROOM: (e) => `you are not in ${e.subject ?? 'any room'}`,
  NO_STORAGE: () => 'this server keeps no rooms of its own',
  STORAGE_UNAVAILABLE: () => 'the rooms cannot be stored just now; try again later',
};
// #endregion server
