/**
 * Writing to a socket without trusting the reader.
 *
 * `socket.write` never blocks: what the kernel cannot take yet waits in the socket's user-space
 * buffer (`writableLength`), and that buffer grows for as long as the peer does not read. A
 * server that keeps writing to a client that never reads therefore grows without bound. The
 * fix is to count what is waiting and give up on the client past a limit, instead of waiting
 * for it (waiting would hold up whoever is writing, for instance a room with other members).
 */
import type { Socket } from 'node:net';
import { corkForTick } from './tick_cork.js';

/**
 * Writes `bytes` unless the client has fallen behind: more than `limitBytes` written in earlier
 * ticks is still waiting in the socket. Then it writes nothing and returns false, and the caller
 * should drop the client. Writing to a socket that is closing is a no-op (true): its owner
 * learns of the close from the socket's own events.
 *
 * Writes made in the same tick are corked and leave in one `writev` system call when the tick
 * ends (see `corkForTick`), so a burst of lines for one client costs one system call rather
 * than one per line. The limit is checked at the first write of a tick, on what earlier ticks
 * left behind: a burst within one tick is not held against a client that reads, and one that
 * does not read is caught on the next tick.
 */
export function writeBounded(socket: Socket, bytes: Uint8Array, limitBytes: number): boolean {
  if (!socket.writable) return true;
  if (!corkForTick(socket, socket.writableLength, limitBytes)) return false;
  socket.write(bytes);
  return true;
}
