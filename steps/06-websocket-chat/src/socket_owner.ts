/**
 * How a process owns a socket, the way an Erlang process owns a port:
 *
 * - what happens on the socket becomes messages in the owner's mailbox (`['line', text]`,
 *   `['line_error', reason]`, `['closed']`), like gen_tcp's `{tcp, Socket, Data}` in active
 *   mode with `{packet, line}`: the process reads them with `receive`, in order, one at a time;
 * - when the owner exits, however it exits, the socket is closed.
 *
 * Node calls a socket's event handlers from the event loop, outside every process, so each
 * handler is bound to the owner: it runs as the owner (`send` knows who is sending), and does
 * nothing once the owner has exited.
 */
import { AsyncResource } from 'node:async_hooks';
import type { Socket } from 'node:net';
import { type LineError, TelnetLineDecoder } from '@otp-chat/net';
import { isAlive, type Pid, Process, self, send } from '@otp-chat/otp';

// #region messages
/** What the socket sends its owner. */
export type SocketMessage =
  | readonly ['line', text: string]
  | readonly ['line_error', reason: LineError]
  /** The client will send nothing more: it closed its side, or the connection broke. */
  | readonly ['closed'];
// #endregion messages

// #region bind
/** `handler`, run as the process `owner`, and not at all once `owner` has exited. */
export function asProcess<A extends unknown[]>(
  owner: Pid,
  handler: (...args: A) => void,
): (...args: A) => void {
  // A resource called through runInAsyncScope, not AsyncResource.bind: on Node 20, bind wraps
  // the function twice and gives it properties of its own, about 8 KB a connection.
  const context = new AsyncResource('otp-chat.socket');
  return (...args) => {
    if (isAlive(owner)) context.runInAsyncScope(handler, undefined, ...args);
  };
}
// #endregion bind

// #region receive
/**
 * Makes the calling process the socket's reader: from now on its lines arrive as messages.
 * Telnet commands are stripped and lines are checked (see TelnetLineDecoder).
 */
export function receiveLines(socket: Socket, maxLineBytes: number): void {
  const owner = self();
  const decoder = new TelnetLineDecoder({
    maxLineBytes,
    onLine: (text) => send(owner, ['line', text] satisfies SocketMessage),
    onError: (reason) => send(owner, ['line_error', reason] satisfies SocketMessage),
  });
  socket.on(
    'data',
    asProcess(owner, (chunk: Buffer) => decoder.feed(chunk)),
  );
  const closed = () => send(owner, ['closed'] satisfies SocketMessage);
  // The client closed its side (`printf ... | nc -N` does, right after its last line). A last
  // line it did not end still counts, and the sockets are half-open: the answers to the lines
  // before can still be written, and the owner ends the socket once it has.
  socket.on(
    'end',
    asProcess(owner, () => {
      decoder.end();
      closed();
    }),
  );
  // The connection broke (a reset, say): the owner may get 'closed' twice and stops at the first.
  socket.on('close', asProcess(owner, closed));
  socket.resume();
}
// #endregion receive

// #region close
/** How long a goodbye may take to reach a client once the process has ended the socket. */
const LINGER_MS = 2000;

/**
 * Ties the socket's life to the process `owner`: when the owner exits, the socket closes.
 * If the owner ended the socket itself (a goodbye, then `socket.end()`), what it wrote is given
 * a moment to leave; otherwise (a crash, a kill, a client that does not read) it is destroyed
 * at once.
 */
export function closeWhenExits(owner: Pid, socket: Socket): void {
  // Errors arrive with the 'close' that follows them; without a listener Node would throw.
  socket.on('error', ignore);
  Process.onExit(owner, () => {
    if (!socket.writableEnded) socket.destroy();
    else if (!socket.destroyed) setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}

// #endregion close

function ignore(): void {}
