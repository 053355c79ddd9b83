/**
 * A TCP socket as a port (see Port in @otp-chat/otp): the process that owns it gets what the
 * client sends as messages, with flow control, and the socket closes when that process exits.
 *
 * ```ts
 * const port = openLinePort(socket, { active: 32 });
 * // the owner receives { type: 'data', port, data: ['line', 'hello'] }, ..., { type: 'passive', port }
 * ```
 *
 * While the owner has N messages unread, the socket is paused: Node stops reading it, the
 * kernel's receive buffer fills, and TCP makes the client wait. A client that writes faster
 * than its connection reads costs the server a few buffers, never a growing queue.
 */
import type { Socket } from 'node:net';
import { type Pid, Port, type PortActive, type PortCodec, type PortSource } from '@otp-chat/otp';
import { type TelnetLine, telnetLines } from './telnet_lines.js';

/** How long a goodbye may take to reach a client once its owner has ended the socket. */
const LINGER_MS = 2000;

// #region close
/**
 * A socket as a port source. Closing it (its owner exited) destroys the socket at once, unless
 * the owner ended it itself (a goodbye, then `socket.end()`): what it wrote is then given
 * `lingerMs` to leave, and nothing more is read meanwhile (a flooder cut off goes on sending).
 */
export function socketSource(socket: Socket, lingerMs = LINGER_MS): PortSource<Buffer> {
  return {
    ...Port.streamSource<Buffer>(socket),
    close: () => {
      if (!socket.writableEnded) socket.destroy();
      else if (!socket.destroyed) {
        socket.pause();
        setTimeout(() => socket.destroy(), lingerMs).unref();
      }
    },
  };
}

// #endregion close

export interface SocketPortOptions<Out> {
  /** The process that owns the socket: the caller by default. */
  readonly owner?: Pid;
  /** `false` by default: nothing is read until the owner calls `Port.setActive`. */
  readonly active?: PortActive;
  /** Decodes and judges what arrives; without one, each chunk is a data message. */
  readonly codec?: PortCodec<Buffer, Out>;
  /** See `socketSource`. */
  readonly lingerMs?: number;
}

/** Opens a port on a TCP socket. */
export function openSocketPort<Out = Buffer>(
  socket: Socket,
  options: SocketPortOptions<Out> = {},
): Port<Out> {
  const { lingerMs, ...portOptions } = options;
  return Port.open(socketSource(socket, lingerMs), portOptions);
}

// #region line-port
/**
 * Opens a port on a telnet (or netcat) client's socket that delivers lines: `['line', text]`,
 * or `['line_error', reason]` for a line too long or not UTF-8 (see TelnetLineDecoder). Each
 * line counts against the active count, so at most N lines wait unread, however the client's
 * bytes were cut into packets.
 */
export function openLinePort(
  socket: Socket,
  options: Omit<SocketPortOptions<TelnetLine>, 'codec'> & { readonly maxLineBytes?: number } = {},
): Port<TelnetLine> {
  const { maxLineBytes, ...socketOptions } = options;
  const codec = telnetLines(maxLineBytes === undefined ? {} : { maxLineBytes });
  return openSocketPort(socket, { ...socketOptions, codec });
}
// #endregion line-port
