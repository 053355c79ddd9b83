/**
 * `writeBounded` for WebSockets. A WebSocket counts what it has queued and not yet handed to
 * the network in `bufferedAmount` (the browser's API and the ws package's alike), so the rule
 * is the same as for a raw socket: past the limit, the peer is not reading, and the caller
 * should drop it rather than queue more for it or wait for it.
 */

/** The part of a WebSocket that `sendBounded` needs: the ws package's, or the browser's. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options: { binary: boolean }): void;
}

/**
 * Sends `data` as one text frame (bytes are taken as UTF-8 text already encoded, so a message
 * sent to many sockets is encoded once), unless more than `limitBytes` are still waiting to
 * leave: then it sends nothing and returns false.
 */
export function sendBounded(
  socket: BufferedSocket,
  data: string | Uint8Array,
  limitBytes: number,
): boolean {
  if (socket.bufferedAmount > limitBytes) return false;
  socket.send(data, { binary: false });
  return true;
}
