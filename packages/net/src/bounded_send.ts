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
 *
 * Bytes already encoded (a room's message, encoded once for every member) go further: they are
 * framed once (see websocket_frame.ts) and the frame is written to the TCP socket directly, one
 * write per delivery instead of ws's two. That is safe for the same reason: with no extension
 * negotiated (`extensions` is empty), ws writes each frame as it is sent, so a frame written
 * beside it takes its place in order. Once the WebSocket is no longer open (closing: ws has
 * sent, or is about to send, its close frame, after which nothing may follow), every send
 * goes through ws, which knows what to do with it.
 */
import type { Writable } from 'node:stream';
import { corkForTick } from './tick_cork.js';
import { textFrame } from './websocket_frame.js';

/** The part of a WebSocket that `sendBounded` needs: the ws package's, or the browser's. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  /** 1 while open, as both APIs number it. */
  readonly readyState: number;
  /** The extensions negotiated at the handshake; empty when none. */
  readonly extensions: string;
  send(data: string | Uint8Array, options: { binary: boolean }): void;
}

const OPEN = 1;

/**
 * Sends `data` as one text frame (bytes are taken as UTF-8 text already encoded, so a message
 * sent to many sockets is encoded once), unless more than `limitBytes` are still waiting to
 * leave: then it sends nothing and returns false.
 *
 * Bytes must not change once sent: their frame is made once and kept for as long as they
 * live (a room's message is encoded into a new buffer each time), so a buffer filled again and
 * sent again would go out as its first contents.
 *
 * `raw` is the TCP socket the WebSocket writes to (a server has it from its HTTP server's
 * 'upgrade' event). With it, frames sent in one tick are corked and leave together when the
 * tick ends, and the limit is checked at the first send of a tick, on what earlier ticks left
 * behind, and bytes leave as one frame made once for every socket they go to. Without it (a
 * browser's WebSocket has none), each frame leaves on its own, and every send is checked.
 */
export function sendBounded(
  socket: BufferedSocket,
  data: string | Uint8Array,
  limitBytes: number,
  raw?: Writable,
): boolean {
  if (raw === undefined) {
    if (socket.bufferedAmount > limitBytes) return false;
    socket.send(data, TEXT);
    return true;
  }
  if (!corkForTick(raw, socket.bufferedAmount, limitBytes)) return false;
  if (typeof data !== 'string' && takesOurFrames(socket)) raw.write(textFrame(data));
  else socket.send(data, TEXT);
  return true;
}

/** Open, with no extension that would make ws hold its own frames back (see above). */
function takesOurFrames(socket: BufferedSocket): boolean {
  return socket.readyState === OPEN && socket.extensions === '';
}

/** One options object for every frame, not one per send. */
const TEXT = { binary: false } as const;
