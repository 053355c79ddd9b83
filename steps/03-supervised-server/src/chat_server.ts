/**
 * The chat room as a GenServer. The runtime now runs the receive loop; this module only says
 * what each request does to the room's state. Like an Elixir module that `use`s GenServer, it
 * holds both sides: the callbacks that run inside the room's process, and the client functions
 * other processes call, which find the room by its registered name.
 */
import { inspect } from 'node:util';
import {
  type CallResult,
  type ChildSpec,
  type From,
  GenServer,
  type NoReplyResult,
  type StartResult,
} from '@otp-chat/otp';
import { type Message, type NewMessageResult, newMessage, type PostInput } from './message.ts';

/** The name the room is registered under: clients use it and never need the room's pid. */
export const NAME = 'ChatServer';

type State = readonly Message[];
type Call = 'get_messages' | readonly ['create_message', PostInput];

// #region server
/** The server side: these run inside the room's process, one request at a time. */
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

  // A plain message sent to the room is nobody's request: drop it, loudly, as in step 1.
  handleInfo(message: unknown, messages: State): NoReplyResult<State> {
    console.warn(`ChatServer: dropped unexpected message ${inspect(message)}`);
    return ['noreply', messages];
  },
};
// #endregion server

// #region client
/** The client side: called from any process, these reach the room through its name. */
export const ChatServer = {
  ...callbacks,

  /** Starts the room linked to the caller, under NAME. Its supervisor calls this. */
  startLink(messages: State = []): Promise<StartResult> {
    return GenServer.startLink(callbacks, messages, { name: NAME });
  },

  /** How a supervisor starts the room: the child's id, and the function to call. */
  childSpec(): ChildSpec {
    return { id: NAME, start: () => ChatServer.startLink() };
  },

  /** The room's messages, oldest first. */
  getMessages(): Promise<State> {
    return GenServer.call(NAME, 'get_messages');
  },

  /** Posts a message: `['ok', message]`, or `['error', code]` and the room is left as it was. */
  createMessage(input: PostInput): Promise<NewMessageResult> {
    return GenServer.call(NAME, ['create_message', input]);
  },
};
// #endregion client

function isCreate(request: unknown): request is readonly ['create_message', unknown] {
  return Array.isArray(request) && request.length === 2 && request[0] === 'create_message';
}
