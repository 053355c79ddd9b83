/**
 * One process per WebSocket, like the telnet connections (connection.ts): it owns the
 * WebSocket through a port (openWebSocketPort in @otp-chat/net), at most `maxUnreadInputs`
 * frames unread at a time, and runs the JSON adapter (json_adapter.ts) and the user's Session
 * in the same process. The session is the telnet side's: same rules, same rooms, same names,
 * private messages between any two users.
 *
 * Every frame is checked against the protocol's schema before anything acts on it (see
 * protocol.ts); a bad one is answered with an error and changes nothing. The limits are the
 * telnet side's (the flood rule, judged in the port as frames arrive; the outbound bound) plus
 * two of the WebSocket's own: the largest frame, which ws enforces, and a heartbeat that finds
 * connections that died without closing.
 */
import { type FloodNotice, floodJudged, Session, type SessionEvent } from '@otp-chat/chat';
import { IdleTimer, openWebSocketPort, sendBounded, type WebSocketEvent } from '@otp-chat/net';
import {
  cancelTimer,
  type DynamicChildSpec,
  type ExitMessage,
  type ExitReason,
  exit,
  type Pid,
  Port,
  type PortCodec,
  type PortMessage,
  type Ref,
  receive,
  type StartResult,
  self,
  sendAfter,
  spawnLink,
  trapExit,
} from '@otp-chat/otp';
import type { WebSocket } from 'ws';
import type { ChatConfig } from './config.ts';
import { encodeEvent, toRequest } from './json_adapter.ts';
import { decodeClientFrame, type ErrorCode, errorMessage, type ServerMessage } from './protocol.ts';

/** What the heartbeat timer sends the connection process. */
const HEARTBEAT = 'heartbeat';
/** What the connection's other timers send it: time to have a name; maybe idle for too long. */
const NAME_TIMEOUT = 'name_timeout';
const IDLE = 'idle';

/** Close codes (RFC 6455): the server is going away; the client broke a rule. */
const GOING_AWAY = 1001;
const POLICY_VIOLATION = 1008;

/** What the port delivers: a frame, a pong, or a flood notice. */
type Input = WebSocketEvent | FloodNotice;

// #region start
/** How the connection supervisor starts a WebSocket's process: like a telnet connection's. */
export function webConnectionSpec(
  ws: WebSocket,
  address: string | undefined,
  config: ChatConfig,
): DynamicChildSpec {
  return {
    id: `websocket ${address ?? ''}`.trimEnd(),
    start: () => startWebConnection(ws, config),
    restart: 'temporary',
  };
}

function startWebConnection(ws: WebSocket, config: ChatConfig): StartResult {
  let port: Port<Input> | undefined;
  const pid: Pid = spawnLink(() => new WebConnection(ws, port!, config).run());
  // Before the process runs: the WebSocket closes with it however it ends. It stays paused
  // (the listener paused it) until the process asks for frames.
  port = openWebSocketPort(ws, { owner: pid, codec: frameCodec(config) });
  return ['ok', pid];
}

/** Frames, each judged against the flood rule as it arrives; pongs do not count. */
function frameCodec(config: ChatConfig): PortCodec<WebSocketEvent, Input> {
  const frames: PortCodec<WebSocketEvent, WebSocketEvent> = (out) => ({
    data: (event) => out.push(event),
  });
  const rule = { ratePerSecond: config.linesPerSecond, burst: config.lineBurst };
  return floodJudged(frames, rule, (event) => event[0] !== 'pong');
}
// #endregion start

class WebConnection {
  private readonly session: Session;
  /** The timer that sends us the next heartbeat, and whether the last ping was answered. */
  private heartbeatTimer: Ref | undefined;
  private answered = true;
  /** How long since the user last sent a frame (pongs do not count). */
  private readonly idle: IdleTimer;

  constructor(
    private readonly ws: WebSocket,
    private readonly port: Port<Input>,
    private readonly config: ChatConfig,
  ) {
    this.session = new Session({ transport: 'websocket', emit: (event) => this.show(event) });
    this.idle = new IdleTimer(config.idleTimeoutMs, IDLE);
  }

  // #region run
  async run(): Promise<void> {
    // The supervisor's shutdown arrives as a message, so we can say goodbye first.
    trapExit(true);
    Port.setActive(this.port, this.config.maxUnreadInputs);
    this.heartbeatTimer = sendAfter(self(), HEARTBEAT, this.config.heartbeatMs);
    // A WebSocket that never joins gets the time a telnet client has to give a name.
    sendAfter(self(), NAME_TIMEOUT, this.config.nameTimeoutMs);
    for (;;) await this.handle(await receive());
  }

  private async handle(message: unknown): Promise<void> {
    if (await this.session.handleInfo(message)) return;
    if (message === HEARTBEAT) this.heartbeat();
    else if (message === NAME_TIMEOUT) this.nameTimeout();
    else if (message === IDLE) this.idleTimeout();
    else if (Port.isMessage<Input>(message, this.port)) await this.fromPort(message);
    else if (isExit(message)) {
      // Our supervisor shuts us down (the server is stopping), or the users registry died.
      this.goodbye('SERVER_SHUTDOWN', 'the server is shutting down', GOING_AWAY, message.reason);
    }
  }
  // #endregion run

  // #region frames
  private async fromPort(message: PortMessage<Input>): Promise<void> {
    switch (message.type) {
      case 'data':
        return this.input(message.data);
      case 'passive':
        // The frames asked for are read: N more. At most N ever wait in the mailbox.
        Port.setActive(this.port, this.config.maxUnreadInputs);
        return;
      case 'closed':
        return this.stop('normal');
      default:
        return;
    }
  }

  private async input(input: Input): Promise<void> {
    switch (input[0]) {
      case 'pong':
        this.answered = true;
        return;
      case 'flood':
        return this.flooded(input[1]);
      case 'binary':
        this.error('INVALID_JSON', 'binary frames are not read: send text');
        return;
      case 'text': {
        this.idle.touch();
        const [status, decoded] = decodeClientFrame(input[1]);
        if (status === 'error') this.reply(decoded);
        else await this.session.handle(toRequest(decoded));
        // The idle clock starts with the name: before it, the name timeout applies.
        if (this.session.name !== undefined) this.idle.start();
      }
    }
  }
  // #endregion frames

  /** What the session said, sent as the JSON adapter encodes it. */
  private show(event: SessionEvent): void {
    const encoded = encodeEvent(event);
    if (encoded === undefined) return;
    this.send(Buffer.isBuffer(encoded) ? encoded : JSON.stringify(encoded));
  }

  // #region limits
  /** The flood rule of the telnet side, judged as frames arrived, with errors instead of lines. */
  private flooded(verdict: FloodNotice[1]): void {
    const rate = `at most ${this.config.linesPerSecond} messages a second`;
    if (verdict === 'disconnect') {
      // Read nothing more from a flooder: ws would go on parsing what it sends while the
      // closing handshake waits for its answer, which is then cut off after closeTimeout.
      this.ws.pause();
      this.goodbye('RATE_LIMITED', `still too many messages (${rate}); disconnecting`);
    }
    this.error(
      'RATE_LIMITED',
      `slow down: ${rate}; this one was dropped, more will disconnect you`,
    );
  }

  /**
   * The heartbeat, on a timer of the process's own, as `erlang:send_after` would do it. Every
   * `heartbeatMs` the client is pinged; browsers and ws answer with a pong on their own. A
   * client that has not answered the previous ping by the time the next is due is gone (a
   * dropped network, a sleeping laptop) without having closed: it is cut off, and its rooms see
   * it leave.
   */
  private heartbeat(): void {
    this.heartbeatTimer = undefined;
    if (!this.answered) this.stop({ shutdown: 'no_pong' });
    this.answered = false;
    this.ws.ping();
    this.heartbeatTimer = sendAfter(self(), HEARTBEAT, this.config.heartbeatMs);
  }

  /** No name (no successful join) within `nameTimeoutMs`: as a telnet client, it is closed. */
  private nameTimeout(): void {
    if (this.session.name !== undefined) return;
    const seconds = this.config.nameTimeoutMs / 1000;
    this.goodbye('TIMED_OUT', `no join in ${seconds} s; disconnecting`);
  }

  /** A named user who has sent nothing for `idleTimeoutMs` (when set) is closed. */
  private idleTimeout(): void {
    if (!this.idle.expired()) return;
    const seconds = this.config.idleTimeoutMs / 1000;
    this.goodbye('TIMED_OUT', `nothing sent in ${seconds} s; disconnecting`);
  }

  /**
   * Every frame goes out through here. A client that does not read lets frames pile up in
   * its WebSocket's buffer; past the limit it is dropped, and nobody else waits for it.
   */
  private send(data: string | Buffer): void {
    if (!sendBounded(this.ws, data, this.config.maxOutboundBytes)) {
      this.stop({ shutdown: 'client_not_reading' });
    }
  }
  // #endregion limits

  private reply(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }

  private error(code: ErrorCode, text: string): void {
    this.reply(errorMessage(code, text));
  }

  /** Sends an error, starts the closing handshake, and ends the process. */
  private goodbye(
    code: ErrorCode,
    text: string,
    closeCode = POLICY_VIOLATION,
    reason: ExitReason = 'normal',
  ): never {
    this.error(code, text);
    this.ws.close(closeCode, text.slice(0, 120));
    return this.stop(reason);
  }

  /**
   * Ends the process. The heartbeat timer goes first: unlike Erlang's, the runtime's timers
   * outlive the process they are for, and a pending one would keep Node running after the
   * server has stopped.
   */
  private stop(reason: ExitReason): never {
    if (this.heartbeatTimer !== undefined) cancelTimer(this.heartbeatTimer);
    return exit(reason);
  }
}

function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}
