/**
 * Turns the bytes a telnet or netcat client sends into lines of text.
 *
 * - A line ends at LF; a CR right before it is dropped, so CRLF and bare LF both work. CR NUL,
 *   which a telnet client sends for a bare carriage return (RFC 854), also ends a line.
 * - Telnet commands are stripped: `IAC <cmd>`, option negotiation `IAC WILL|WONT|DO|DONT <opt>`
 *   and subnegotiation `IAC SB ... IAC SE`. `IAC IAC` stands for one 0xFF data byte.
 * - Bytes are collected until the line ends and only then decoded, so a UTF-8 character split
 *   across TCP packets arrives whole; a line that is not valid UTF-8 is reported, not delivered.
 * - A line longer than `maxLineBytes` is reported once and dropped: the decoder discards bytes
 *   until the next line end, so memory stays at `maxLineBytes` whatever the client sends.
 *
 * The decoder has no idea of sockets or processes: feed it chunks and it calls back with lines.
 * `telnetLines` plugs it into a port (see socket_port.ts) as the codec of a TCP socket.
 */
import { isUtf8 } from 'node:buffer';
import type { PortCodec } from '@otp-chat/otp';

/** Why the decoder dropped a line. */
export type LineError = 'line_too_long' | 'invalid_utf8';

export interface LineDecoderOptions {
  /** Called with each complete line, without its line end. */
  readonly onLine: (line: string) => void;
  /** Called once for each line dropped; `line_too_long` as soon as the limit is passed. */
  readonly onError: (error: LineError) => void;
  /** The longest line accepted, in bytes (line end not counted). Default 4096. */
  readonly maxLineBytes?: number;
}

const NUL = 0x00;
const LF = 0x0a;
const CR = 0x0d;
const SE = 0xf0; // end of subnegotiation
const SB = 0xfa; // start of subnegotiation
const WILL = 0xfb; // WILL, WONT, DO and DONT (0xfb-0xfe) are followed by one option byte
const IAC = 0xff; // "interpret as command": starts every telnet command

// Where the decoder is in the byte stream.
const DATA = 0;
const AFTER_CR = 1;
const AFTER_IAC = 2;
const OPTION = 3; // the option byte of WILL/WONT/DO/DONT
const SUBNEGOTIATION = 4;
const SUBNEGOTIATION_IAC = 5;

export class TelnetLineDecoder {
  readonly maxLineBytes: number;
  private readonly onLine: (line: string) => void;
  private readonly onError: (error: LineError) => void;
  /** The line so far; allocated once, so a connection never holds more than this. */
  private readonly line: Buffer;
  private length = 0;
  private state = DATA;
  /** Set when the line passed the limit: bytes are dropped until the line ends. */
  private discarding = false;
  /** Any byte >= 0x80 in the line: only then does it need a UTF-8 check. */
  private nonAscii = 0;

  constructor(options: LineDecoderOptions) {
    this.onLine = options.onLine;
    this.onError = options.onError;
    this.maxLineBytes = options.maxLineBytes ?? 4096;
    this.line = Buffer.allocUnsafe(this.maxLineBytes);
  }

  // #region feed
  /** Bytes received from the client, in order; calls back for every line they complete. */
  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (this.state) {
        case DATA:
          if (byte === LF) this.endLine();
          else if (byte === CR) this.state = AFTER_CR;
          else if (byte === IAC) this.state = AFTER_IAC;
          else this.append(byte);
          break;
        case AFTER_CR:
          this.state = DATA;
          if (byte === LF || byte === NUL) this.endLine();
          else i--; // a stray CR is dropped; the byte after it is read as data
          break;
        case AFTER_IAC:
          this.state = DATA;
          if (byte === IAC) this.append(IAC);
          else if (byte >= WILL) this.state = OPTION;
          else if (byte === SB) this.state = SUBNEGOTIATION;
          // any other command (NOP, GA, IP, ...) is two bytes long and already consumed
          break;
        case OPTION:
          this.state = DATA;
          break;
        case SUBNEGOTIATION:
          if (byte === IAC) this.state = SUBNEGOTIATION_IAC;
          break;
        case SUBNEGOTIATION_IAC:
          // IAC SE ends it; IAC IAC is an escaped 0xFF inside the subnegotiation's data
          this.state = byte === SE ? DATA : SUBNEGOTIATION;
          break;
      }
    }
  }
  // #endregion feed

  /** The client closed its side: a last line without a line end still counts. */
  end(): void {
    if (this.length > 0 || this.discarding) this.endLine();
    this.state = DATA;
  }

  private append(byte: number): void {
    if (this.discarding) return;
    if (this.length === this.maxLineBytes) {
      this.discarding = true;
      this.onError('line_too_long');
      return;
    }
    this.line[this.length++] = byte;
    this.nonAscii |= byte & 0x80;
  }

  private endLine(): void {
    const { length, nonAscii, discarding } = this;
    this.length = 0;
    this.nonAscii = 0;
    this.discarding = false;
    if (discarding) return;
    if (nonAscii === 0) {
      this.onLine(this.line.toString('latin1', 0, length));
    } else if (isUtf8(this.line.subarray(0, length))) {
      this.onLine(this.line.toString('utf8', 0, length));
    } else {
      this.onError('invalid_utf8');
    }
  }
}

// #region codec
/** What a telnet line port delivers: a line, or why one was dropped. */
export type TelnetLine =
  | readonly ['line', text: string]
  | readonly ['line_error', reason: LineError];

/**
 * The decoder as a port codec: each line (or dropped line) is one data message for the port's
 * owner, decoded as the bytes arrive, and counted against the port's active count.
 */
export function telnetLines(
  options: { readonly maxLineBytes?: number } = {},
): PortCodec<Buffer, TelnetLine> {
  return (out) => {
    const decoder = new TelnetLineDecoder({
      ...options,
      onLine: (text) => out.push(['line', text]),
      onError: (reason) => out.push(['line_error', reason]),
    });
    return { data: (chunk) => decoder.feed(chunk), end: () => decoder.end() };
  };
}
// #endregion codec
