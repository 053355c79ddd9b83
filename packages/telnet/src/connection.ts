/**
 * A telnet connection: the life every connection shares (ChatConnection in @otp-chat/chat),
 * with lines. The port delivers the lines a client types, judged against the flood rule as they
 * arrive; the telnet adapter (telnet.ts) turns them into requests and the session's events into
 * lines. The life of a telnet connection: greet, ask for a name until a valid free one comes
 * (or time runs out), enter the default room, then chat until /quit, a dropped connection, or
 * a limit.
 */
import type { Socket } from 'node:net';
import {
  ChatConnection,
  connectionChild,
  type Farewell,
  type FloodNotice,
  floodJudged,
  type SessionEvent,
} from '@otp-chat/chat';
import { openSocketPort, type TelnetLine, telnetLines, writeBounded } from '@otp-chat/net';
import type { DynamicChildSpec, Port } from '@otp-chat/otp';
import type { TelnetConfig } from './config.js';
import { decodeLine, decodeName, encodeEvent } from './telnet.js';

// #region start
/** How the connection supervisor starts a telnet connection (see connectionChild). */
export function connectionSpec(socket: Socket, config: TelnetConfig): DynamicChildSpec {
  return connectionChild(
    // Labels the process in the tree: the client's address (its port would change every run).
    connectionLabel(socket, config.label),
    (owner) => openSocketPort(socket, { owner, codec: lineCodec(config) }),
    (port) => new TelnetConnection(socket, port, config),
  );
}

/**
 * Lines, each judged against the flood rule as it arrives. A line dropped (too long, not UTF-8)
 * counts like any other: each one is answered with an error line.
 */
function lineCodec(config: TelnetConfig) {
  const rule = { ratePerSecond: config.linesPerSecond, burst: config.lineBurst };
  return floodJudged(telnetLines({ maxLineBytes: config.maxLineBytes }), rule);
}
// #endregion start

function connectionLabel(socket: Socket, label: string | undefined): string {
  const address = socket.remoteAddress;
  if (label === undefined) return address ?? 'connection';
  return address === undefined ? label : `${label} ${address}`;
}

class TelnetConnection extends ChatConnection<TelnetLine> {
  constructor(
    private readonly socket: Socket,
    port: Port<TelnetLine | FloodNotice>,
    private readonly config: TelnetConfig,
  ) {
    super(port, config, 'telnet');
  }

  protected override greet(): void {
    this.send('Welcome to otp-chat!');
    this.send('What is your name?');
  }

  // #region input
  /** A line: a name until one is taken (then the default room), a command or a message after. */
  protected async input(input: TelnetLine): Promise<void> {
    if (input[0] !== 'line') return this.send(droppedText(input[1], this.config));
    this.touch();
    if (this.session.name !== undefined) return this.request(input[1]);
    await this.session.handle(decodeName(input[1]));
    if (this.session.name === undefined) this.send('What is your name?');
    else await this.session.handle({ type: 'join', room: this.config.defaultRoom });
  }

  private async request(line: string): Promise<void> {
    const decoded = decodeLine(line, this.config);
    if (decoded === undefined) return;
    if (decoded.type === 'reply') this.send(decoded.line);
    else await this.session.handle(decoded);
  }
  // #endregion input

  /** What the session said, written as the telnet adapter encodes it. */
  protected show(event: SessionEvent): void {
    for (const part of encodeEvent(event, this.session, this.config)) {
      if (typeof part === 'string') this.send(part);
      else this.write(part);
    }
  }

  // #region goodbye
  protected slowDown(): void {
    this.send(
      `error: slow down: at most ${this.config.linesPerSecond} lines a second; ` +
        'lines over that are dropped, and more will disconnect you.',
    );
  }

  /** The last line (the session's bye is already written), then the socket ends once sent. */
  protected sayGoodbye(farewell: Farewell): void {
    const text = farewellText(farewell);
    if (text !== undefined) this.send(text);
    this.socket.end();
  }
  // #endregion goodbye

  protected writeBounded(data: string | Buffer): boolean {
    // A room's line is encoded once for every member: written as it is, not copied.
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return writeBounded(this.socket, bytes, this.config.maxOutboundBytes);
  }

  /** The client closed its side: what we wrote before still goes out. */
  protected override ended(): void {
    this.socket.end();
  }

  private send(text: string): void {
    this.write(`${text}\r\n`);
  }
}

function droppedText(error: string, config: TelnetConfig): string {
  return error === 'line_too_long'
    ? `error: line longer than ${config.maxLineBytes} bytes; dropped.`
    : 'error: that line is not valid UTF-8; dropped.';
}

function farewellText(farewell: Farewell): string | undefined {
  switch (farewell.why) {
    case 'no_name':
      return `No name given in ${farewell.seconds} s. Bye!`;
    case 'idle':
      return `Nothing typed in ${farewell.seconds} s. Bye!`;
    case 'flood':
      return 'error: still too many lines; disconnecting.';
    case 'shutdown':
      return 'The server is shutting down. Bye!';
    case 'bye':
      return undefined;
  }
}
