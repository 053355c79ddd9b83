/**
 * Node calls an event handler (a server's 'connection', a socket's 'error') from the event
 * loop, outside every process. `asProcess` binds a handler to a process, the way an Erlang
 * port belongs to its owner: it runs as that process (`send` knows who is sending), and does
 * nothing once the process has exited. Ports (socket_port.ts) do this for what a socket
 * reads; listeners use it for their server's events.
 */
import { AsyncResource } from 'node:async_hooks';
import { isAlive, type Pid } from '@otp-chat/otp';

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
