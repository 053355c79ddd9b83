/**
 * One process per connection, ranch style. It owns the client's socket through a port (see
 * openLinePort in @otp-chat/net): the lines the client types arrive in its mailbox, at most
 * `maxUnreadInputs` of them at a time, mixed with what rooms and other users send the user. It
 * runs the telnet adapter (telnet.ts) and the user's Session (@otp-chat/chat) in the same
 * process: a line becomes a request, the session acts, its events become lines.
 *
 * It is the only code that writes to the socket, so it is where the limits on what a client may
 * cost the server are enforced. The flood rule is judged earlier still: in the port, as each
 * line arrives, before it is queued.
 *
 * The life of a connection: greet, ask for a name until a valid free one comes (or time runs
 * out), enter the default room, then chat until /quit, a dropped connection, or a limit.
 */
import type { Socket } from 'node:net';
import {
  type FloodNotice,
  floodJudged,
  isFloodNotice,
  MAX_TEXT_LENGTH,
  Session,
  type SessionEvent,
  type SessionRequest,
} from '@otp-chat/chat';
import {
  IdleTimer,
  openSocketPort,
  type TelnetLine,
  telnetLines,
  writeBounded,
} from '@otp-chat/net';
import {
  type DynamicChildSpec,
  type ExitMessage,
  type ExitReason,
  exit,
  type Pid,
  Port,
  type PortMessage,
  receive,
  type StartResult,
  spawnLink,
  TIMEOUT,
  trapExit,
} from '@otp-chat/otp';
import type { TelnetConfig } from './config.js';
import { type Decoded, decodeLine, decodeName, encodeEvent } from './telnet.js';

/** What the port delivers: a line, a line it dropped (too long, not UTF-8), or a flood notice. */
type Input = TelnetLine | FloodNotice;

// #region start
/**
 * How the connection supervisor starts a connection. `temporary`: a connection that ends is
 * never restarted, since its socket is gone with it; the client reconnects if it wants to.
 */
export function connectionSpec(socket: Socket, config: TelnetConfig): DynamicChildSpec {
  return {
    // Labels the process in the tree: the client's address (its port would change every run).
    id: connectionLabel(socket, config.label),
    start: () => startConnection(socket, config),
    restart: 'temporary',
  };
}

function connectionLabel(socket: Socket, label: string | undefined): string {
  const address = socket.remoteAddress;
  if (label === undefined) return address ?? 'connection';
  return address === undefined ? label : `${label} ${address}`;
}

function startConnection(socket: Socket, config: TelnetConfig): StartResult {
  let port: Port<Input> | undefined;
  const pid: Pid = spawnLink(() => new Connection(socket, port!, config).run());
  // Before the process runs at all: even if it is killed at once, the socket goes with it. The
  // socket stays paused (the listener accepted it so) until the process asks for lines.
  port = openSocketPort(socket, { owner: pid, codec: lineCodec(config) });
  return ['ok', pid];
}

/** Lines, each judged against the flood rule as it arrives; dropped lines do not count. */
function lineCodec(config: TelnetConfig) {
  const rule = { ratePerSecond: config.linesPerSecond, burst: config.lineBurst };
  const lines = telnetLines({ maxLineBytes: config.maxLineBytes });
  return floodJudged(lines, rule, (line: TelnetLine) => line[0] === 'line');
}
// #endregion start

/** What the idle timer sends the connection process. */
const IDLE = 'idle';

class Connection {
  private readonly session: Session;
  /** How long since the user last typed a line. */
  private readonly idle: IdleTimer;

  constructor(
    private readonly socket: Socket,
    private readonly port: Port<Input>,
    private readonly config: TelnetConfig,
  ) {
    this.session = new Session({
      transport: 'telnet',
      emit: (event) => this.show(event),
      // Unless the step sets one, the chat's own limit (see TelnetConfig).
      maxTextLength: config.maxTextLength ?? MAX_TEXT_LENGTH,
    });
    this.idle = new IdleTimer(config.idleTimeoutMs ?? 0, IDLE);
  }

  // #region run
  async run(): Promise<void> {
    // The supervisor's shutdown arrives as a message, so we can say goodbye first.
    trapExit(true);
    Port.setActive(this.port, this.config.maxUnreadInputs);
    this.send('Welcome to otp-chat!');
    await this.login();
    await this.session.handle({ type: 'join', room: this.config.defaultRoom });
    this.idle.start();
    for (;;) await this.handle(await receive());
  }
  // #endregion run

  // #region login
  /** Asks for a name until a valid, free one comes; gives up after `nameTimeoutMs`. */
  private async login(): Promise<void> {
    const deadline = performance.now() + this.config.nameTimeoutMs;
    this.send('What is your name?');
    while (this.session.name === undefined) {
      const message = await receive(undefined, Math.max(0, deadline - performance.now()));
      if (message === TIMEOUT) {
        this.goodbye(`No name given in ${this.config.nameTimeoutMs / 1000} s. Bye!`);
      }
      const line = this.lineOf(message);
      if (line === undefined) continue;
      await this.session.handle(decodeName(line));
      if (this.session.name === undefined) this.send('What is your name?');
    }
  }
  // #endregion login

  // #region handle
  /** One message from the mailbox, once the user has a name. */
  private async handle(message: unknown): Promise<void> {
    if (await this.session.handleInfo(message)) return;
    if (message === IDLE && this.idle.expired()) {
      this.goodbye(`Nothing typed in ${this.idle.idleMs / 1000} s. Bye!`);
    }
    const line = this.lineOf(message);
    if (line !== undefined) await this.request(decodeLine(line));
  }

  private async request(decoded: Decoded): Promise<void> {
    if (decoded === undefined) return;
    if (decoded.type === 'reply') this.send(decoded.line);
    else await this.session.handle(decoded satisfies SessionRequest);
  }

  /**
   * What is the same before and after login: the port's messages and our supervisor's
   * shutdown. Gives the text of a line the user typed, for the caller to act on.
   */
  private lineOf(message: unknown): string | undefined {
    if (Port.isMessage<Input>(message, this.port)) return this.fromPort(message);
    if (isExit(message)) {
      // Our supervisor shuts us down (the server is stopping), or the users registry died.
      this.goodbye('The server is shutting down. Bye!', message.reason);
    }
    return undefined;
  }

  private fromPort(message: PortMessage<Input>): string | undefined {
    switch (message.type) {
      case 'data':
        return this.input(message.data);
      case 'passive':
        // The lines asked for are read: N more. At most N ever wait in the mailbox.
        Port.setActive(this.port, this.config.maxUnreadInputs);
        return undefined;
      case 'end':
      case 'closed':
        // What we wrote before still goes out: end the socket rather than drop it.
        this.socket.end();
        return exit('normal');
      case 'error':
        return undefined;
    }
  }

  private input(input: Input): string | undefined {
    if (input[0] === 'line') {
      this.idle.touch();
      return input[1];
    }
    if (isFloodNotice(input)) this.flooded(input[1]);
    else
      this.send(
        input[1] === 'line_too_long'
          ? `error: line longer than ${this.config.maxLineBytes} bytes; dropped.`
          : 'error: that line is not valid UTF-8; dropped.',
      );
    return undefined;
  }
  // #endregion handle

  // #region limits
  /**
   * The flood rule, judged by the port as the lines arrived. Lines over the rate are dropped;
   * the first one gets a warning, and another one before the client has calmed down (its token
   * bucket full again) disconnects it.
   */
  private flooded(verdict: FloodNotice[1]): void {
    if (verdict === 'disconnect') this.goodbye('error: still too many lines; disconnecting.');
    this.send(
      `error: slow down: at most ${this.config.linesPerSecond} lines a second; ` +
        'lines over that are dropped, and more will disconnect you.',
    );
  }

  /**
   * Every write goes through here. A client that does not read lets bytes pile up in its
   * socket's buffer; past the limit it is dropped, and nobody else waits for it.
   */
  private write(bytes: Uint8Array): void {
    if (!writeBounded(this.socket, bytes, this.config.maxOutboundBytes)) {
      exit({ shutdown: 'client_not_reading' });
    }
  }
  // #endregion limits

  /** What the session said, written as the telnet adapter encodes it. */
  private show(event: SessionEvent): void {
    for (const part of encodeEvent(event, this.session)) {
      if (typeof part === 'string') this.send(part);
      else this.write(part);
    }
    if (event.type === 'bye') this.goodbye();
  }

  private send(text: string): void {
    this.write(Buffer.from(`${text}\r\n`));
  }

  /** Says `text` (if any), ends the connection once it is sent, and ends the process. */
  private goodbye(text?: string, reason: ExitReason = 'normal'): never {
    if (text !== undefined) this.send(text);
    this.socket.end();
    return exit(reason);
  }
}

function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}
