/**
 * `writeBounded` for WebSockets. A WebSocket counts what it has queued and not yet handed to
 * the network in `bufferedAmount` (the browser's API and the ws package's alike), so the rule
 * is the same as for a raw socket: past the limit, the peer is not reading, and the caller
 * should drop it rather than queue more for it or wait for it.
 *
 * Given the TCP socket under a ws WebSocket, the frames sent in one tick leave together, in
 * one `writev`, as `writeBounded`'s lines do (see `corkForTick`). This is safe with ws 8 as we
 * use it (read in its lib/sender.js): without permessage-deflate (off by default in ws's
 * server, and our servers do not turn it on) and without Blob payloads, `Sender.send` frames
 * the data and writes it to the socket at once, in the order `send` is called; its `sendFrame`
 * corks and uncorks around a frame's header and payload, and since corks nest, that frame
 * joins the tick's batch instead of leaving alone. (With permessage-deflate, ws would queue
 * frames behind a compression and write them in a later tick: still in order, only not in
 * our batch.) `bufferedAmount` is the socket's `writableLength` (the batch included) plus
 * what the Sender queued, so the limit sees every byte either way.
 */
import type { Writable } from 'node:stream';
import { corkForTick } from './tick_cork.js';

/** The part of a WebSocket that `sendBounded` needs: the ws package's, or the browser's. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options: { binary: boolean }): void;
}

/**
 * Sends `data` as one text frame (bytes are taken as UTF-8 text already encoded, so a message
 * sent to many sockets is encoded once), unless more than `limitBytes` are still waiting to
 * leave: then it sends nothing and returns false.
 *
 * `raw` is the TCP socket the WebSocket writes to (a server has it from its HTTP server's
 * 'upgrade' event). With it, frames sent in one tick are corked and leave together when the
 * tick ends, and the limit is checked at the first send of a tick, on what earlier ticks left
 * behind. Without it (a browser's WebSocket has none), each frame leaves on its own, and every
 * send is checked.
 */
export function sendBounded(
  socket: BufferedSocket,
  data: string | Uint8Array,
  limitBytes: number,
  raw?: Writable,
): boolean {
  if (raw === undefined) {
    if (socket.bufferedAmount > limitBytes) return false;
  } else if (!corkForTick(raw, socket.bufferedAmount, limitBytes)) {
    return false;
  }
  socket.send(data, { binary: false });
  return true;
}
