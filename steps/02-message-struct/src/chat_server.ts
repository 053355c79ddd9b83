/**
 * A one-room chat server: a process whose state is the list of every message posted in the
 * room, oldest first. Other processes talk to it only by sending it requests:
 *
 * - `['get', from]`: send the list of messages back to the process `from`;
 * - `['create', input]`: post a message, given as its text or as `{ content, username }`.
 */
import { inspect } from 'node:util';
import { Pid, receive, self, send } from '@otp-chat/otp';
import { type Message, newMessage, type PostError, type PostInput } from './message.ts';

// #region requests
/** Asks for the room's messages; the list is sent back to `from`. */
export type GetRequest = readonly ['get', Pid];
/** Posts a message to the room. */
export type CreateRequest = readonly ['create', PostInput];
export type Request = GetRequest | CreateRequest;
// #endregion requests

// #region loop
/**
 * Runs the room. `loop()` starts with no messages; `loop(messages)` carries on from a list.
 * The process waits for one request at a time, and each request gives the state to go on with.
 *
 * A `for` loop, not `return loop(next)`: an async function that returns a call to itself keeps
 * every earlier call's promise alive until the last one settles, which for a server is never,
 * so memory would grow with every request (see the chapter).
 */
export async function loop(initial: readonly Message[] = []): Promise<never> {
  let messages = initial;
  for (;;) {
    const request = await receive();
    if (isGet(request)) {
      const [, from] = request;
      // The list is shared, not copied as Erlang would: the room never changes a list once it
      // has sent it, it makes a new one for each post.
      send(from, messages);
    } else if (isCreate(request)) {
      const [, input] = request;
      const [status, value] = newMessage(input);
      if (status === 'ok') messages = [...messages, value];
      else rejectPost(request, value);
    } else {
      dropUnknown(request);
    }
  }
}
// #endregion loop

// #region unknown
/**
 * Erlang leaves a message that no receive clause matches in the mailbox, where it stays for as
 * long as the process lives: a slow leak that also slows down every later receive. The room
 * takes every request instead, and drops the ones it does not understand, loudly.
 */
function dropUnknown(request: unknown): void {
  console.warn(`chat server ${self()}: dropped unknown request ${inspect(request)}`);
}
// #endregion unknown

// #region reject
/**
 * A post that fails the checks is dropped and the room keeps its messages as they were. The
 * sender asked for no reply, so a warning with the reason's code is all there is to say.
 */
function rejectPost(request: unknown, reason: PostError): void {
  console.warn(`chat server ${self()}: rejected ${inspect(request)}: ${reason}`);
}
// #endregion reject

function isGet(request: unknown): request is GetRequest {
  return isPair(request, 'get') && request[1] instanceof Pid;
}

// Any create is taken here, well formed or not: newMessage says what is wrong with a bad one.
function isCreate(request: unknown): request is readonly ['create', unknown] {
  return isPair(request, 'create');
}

function isPair(request: unknown, tag: string): request is readonly [string, unknown] {
  return Array.isArray(request) && request.length === 2 && request[0] === tag;
}
