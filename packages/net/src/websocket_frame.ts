/**
 * A server's WebSocket text frame, whole: header and payload in one buffer (RFC 6455, 5.2).
 *
 * A room encodes a message once for all its members. Framing it once too, and writing the
 * frame straight to each member's TCP socket, spares every delivery what ws's `send` does for
 * each call: an options object, a header buffer, and two writes (header, then payload) where
 * one will do. A server's frames are never masked, so every member gets the same bytes, and
 * the frame made for the first member serves the rest.
 */

/** The frame of each payload framed recently: a payload lives as long as its broadcast. */
const frames = new WeakMap<Uint8Array, Buffer>();
/** The last one, checked first: a broadcast's deliveries mostly run one after the other. */
let lastPayload: Uint8Array | undefined;
let lastFrame: Buffer | undefined;

/** The whole frame that carries `payload` (UTF-8 text) to a client, made once per payload. */
export function textFrame(payload: Uint8Array): Buffer {
  if (payload === lastPayload) return lastFrame as Buffer;
  let frame = frames.get(payload);
  if (frame === undefined) {
    frame = frameOf(payload);
    frames.set(payload, frame);
  }
  lastPayload = payload;
  lastFrame = frame;
  return frame;
}

/** FIN set (the message is whole in this frame), opcode 1 (text). */
const FINAL_TEXT = 0x81;

function frameOf(payload: Uint8Array): Buffer {
  const length = payload.length;
  // The length takes 7 bits up to 125 bytes, then 16 bits after the marker 126, else 64 after 127.
  const header = length < 126 ? 2 : length < 0x1_0000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FINAL_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x1_0000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, header);
  return frame;
}
