/**
 * A chat room as a GenServer, one process per room. Rooms are started on demand under a
 * DynamicSupervisor and named through a Registry, so a client reaches a room by its name (say
 * 'lobby') and never needs its pid. Like an Elixir module that `use`s GenServer, this holds both
 * sides: the callbacks that run inside a room's process, and the client functions.
 */
import { inspect } from 'node:util';
import {
  type CallResult,
  type DynamicChildSpec,
  DynamicSupervisor,
  ExitError,
  type From,
  GenServer,
  type NoReplyResult,
  Pid,
  Registry,
  type StartResult,
  type ViaName,
} from '@otp-chat/otp';
import { type Message, type NewMessageResult, newMessage, type PostInput } from './message.ts';

/** Where rooms register their names. */
export const REGISTRY = 'ChatServer.Registry';
/** The supervisor that starts rooms and restarts them. */
export const ROOM_SUPERVISOR = 'ChatServer.RoomSupervisor';

type State = readonly Message[];
type Call = 'get_messages' | readonly ['create_message', PostInput];

// #region server
/** The server side: these run inside a room's process, one request at a time. */
const callbacks = {
  name: 'ChatServer',

  init(messages: State): readonly ['ok', State] {
    return ['ok', messages];
  },

  handleCall(request: Call, _from: From, messages: State): CallResult<State> {
    if (request === 'get_messages') return ['reply', messages, messages];
    if (isCreate(request)) {
      const [, input] = request;
      const result = newMessage(input);
      const next = result[0] === 'ok' ? [...messages, result[1]] : messages;
      return ['reply', result, next];
    }
    // No clause matches, as in Elixir: the caller has a bug, so the room crashes (and the caller
    // with it) rather than guess, and its supervisor starts a fresh one.
    throw new Error(`ChatServer: unknown call ${inspect(request)}`);
  },

  // A plain message sent to a room is nobody's request: drop it, loudly, as in step 1.
  handleInfo(message: unknown, messages: State): NoReplyResult<State> {
    console.warn(`ChatServer: dropped unexpected message ${inspect(message)}`);
    return ['noreply', messages];
  },
};
// #endregion server

// #region names
/** A room's name as a server name: the key `room` in the registry. */
function via(room: string): ViaName {
  return Registry.via(REGISTRY, room);
}

export type NoSuchRoom = readonly ['error', 'no_such_room'];

/** Calls a room by name. A name nobody holds is an answer, `no_such_room`, not a crash. */
async function callRoom<R>(room: string, request: Call): Promise<readonly ['ok', R] | NoSuchRoom> {
  try {
    return ['ok', await GenServer.call<R>(via(room), request)];
  } catch (error) {
    if (error instanceof ExitError && error.reason === 'noproc') return ['error', 'no_such_room'];
    throw error;
  }
}
// #endregion names

export type CreateRoomResult =
  | 'ok'
  | readonly ['error', 'already_exists' | 'invalid_name']
  /** The room could not start for another reason (the supervisor's answer, passed on). */
  | readonly ['error', unknown];

// #region client
/** The client side: called from any process, these reach rooms through their names. */
export const ChatServer = {
  ...callbacks,

  /** Starts the room `room`, linked to the caller and registered under its name. */
  startLink(room: string, messages: State = []): Promise<StartResult> {
    return GenServer.startLink(callbacks, messages, { name: via(room) });
  },

  /** How the room supervisor starts a room (the id only labels it in the tree). */
  childSpec(room: string): DynamicChildSpec {
    return { id: room, start: () => ChatServer.startLink(room) };
  },

  /** Opens a new, empty room. */
  async createRoom(room: string): Promise<CreateRoomResult> {
    if (typeof room !== 'string' || room.trim() === '') return ['error', 'invalid_name'];
    const result = await DynamicSupervisor.startChild(ROOM_SUPERVISOR, ChatServer.childSpec(room));
    if (result === 'ignore' || result[0] === 'ok') return 'ok';
    // The registry lets one process hold a name: a second room by that name cannot start.
    if (isAlreadyStarted(result[1])) return ['error', 'already_exists'];
    return result;
  },

  /** Posts to a room: `['ok', message]`, `['error', code]` for a bad post, or `no_such_room`. */
  async createMessage(room: string, input: PostInput): Promise<NewMessageResult | NoSuchRoom> {
    const answer = await callRoom<NewMessageResult>(room, ['create_message', input]);
    return answer[0] === 'ok' ? answer[1] : answer;
  },

  /** A room's messages, oldest first: `['ok', messages]`, or `no_such_room`. */
  getMessages(room: string): Promise<readonly ['ok', State] | NoSuchRoom> {
    return callRoom<State>(room, 'get_messages');
  },

  /** The names of the rooms that are running, sorted. */
  async listRooms(): Promise<string[]> {
    const children = await DynamicSupervisor.whichChildren(ROOM_SUPERVISOR);
    // Each running room holds one key in the registry: its name.
    const names = children.flatMap(({ pid }) =>
      pid instanceof Pid ? Registry.keys(REGISTRY, pid) : [],
    );
    return (names as string[]).sort();
  },

  /** The pid of a room, if it is running: for looking at, since clients go by name. */
  whereis(room: string): Pid | undefined {
    return Registry.lookup(REGISTRY, room)[0]?.[0];
  },
};
// #endregion client

function isCreate(request: unknown): request is readonly ['create_message', unknown] {
  return Array.isArray(request) && request.length === 2 && request[0] === 'create_message';
}

function isAlreadyStarted(reason: unknown): boolean {
  return Array.isArray(reason) && reason[0] === 'already_started';
}
