/**
 * One system call for the writes made to one socket in one tick.
 *
 * Under load a connection process finds several deliveries in its mailbox and writes them all
 * in one turn. Each write to an uncorked socket is a system call of its own; corked, the writes
 * wait in the socket's buffer and leave together, in one `writev`, when it is uncorked. The
 * socket is uncorked in `process.nextTick`, so nothing waits past the tick that wrote it and no
 * timer holds a write back: on an idle server a lone write leaves as soon as the code that
 * wrote it returns; on a loaded one, a burst leaves in one go. `writeBounded` (raw sockets) and
 * `sendBounded` (WebSockets) both write through this.
 */
import type { Writable } from 'node:stream';

/**
 * Opens this tick's batch on `socket`, or joins it. At the first write of a tick (the socket is
 * not corked) it checks the limit: with more than `limitBytes` still `waiting` from earlier
 * ticks, the peer is not reading, and it returns false (the caller writes nothing and should
 * drop the client); otherwise it corks the socket until the tick ends. Later writes in the same
 * tick pass without a check: a burst within one tick waits corked in the socket's buffer by
 * design, and is not held against a client that reads; one that does not read is caught at the
 * next tick's first write.
 *
 * Corks nest (Node counts them), so code that corks and uncorks around a write of its own, as
 * ws does around each frame, writes into this tick's batch.
 */
export function corkForTick(socket: Writable, waiting: number, limitBytes: number): boolean {
  if (socket.writableCorked > 0) return true;
  if (waiting > limitBytes) return false;
  socket.cork();
  process.nextTick(uncork, socket);
  return true;
}

function uncork(socket: Writable): void {
  socket.uncork();
}
