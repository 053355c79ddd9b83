/**
 * A WebSocket connection: the life every connection shares (ChatConnection in @otp-chat/chat),
 * with frames. The port delivers frames and pongs, judged against the flood rule as they
 * arrive; the step's JSON adapter (a JsonAdapter: see adapter.ts) checks every text frame
 * against its protocol and makes it a request, and a bad one is answered with an error and
 * changes nothing. Two limits are the WebSocket's own: the largest frame, which ws enforces, and
 * a heartbeat that finds connections that died without closing.
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
import {
  CloseCode,
  closeReason,
  HEARTBEAT,
  openWebSocketPort,
  sendBounded,
  type WebSocketEvent,
  WebSocketHeartbeat,
  webSocketEvents,
} from '@otp-chat/net';
import type { DynamicChildSpec, Port, PortCodec } from '@otp-chat/otp';
import type { WebSocket } from 'ws';
import type { ConnectionErrorCode, JsonAdapter } from './adapter.js';
import type { WebConfig } from './config.js';

/**
 * How the connection supervisor starts a WebSocket's process: like a telnet connection's.
 * `socket` is the TCP socket under `ws`, as the HTTP server's 'upgrade' event gave it.
 */
export function webConnectionSpec(
  ws: WebSocket,
  socket: Socket,
  config: WebConfig,
  adapter: JsonAdapter,
): DynamicChildSpec {
  return connectionChild(
    `websocket ${socket.remoteAddress ?? ''}`.trimEnd(),
    (owner) => openWebSocketPort(ws, { owner, codec: frameCodec(config) }),
    (port) => new WebConnection(ws, socket, port, config, adapter),
  );
}

// #region start
/**
 * Frames, each judged against the flood rule as it arrives. Every frame counts, control frames
 * too: ws answers a ping with a pong on its own, so a stream of pings costs as much as a stream
 * of messages. (A client's pongs to our heartbeat are one per `heartbeatMs`.)
 */
function frameCodec(config: WebConfig): PortCodec<WebSocketEvent, WebSocketEvent | FloodNotice> {
  const rule = { ratePerSecond: config.linesPerSecond, burst: config.lineBurst };
  return floodJudged(webSocketEvents, rule);
}
// #endregion start

class WebConnection extends ChatConnection<WebSocketEvent> {
  /** Pings the client every `heartbeatMs`, to find a connection that died without closing. */
  private readonly heartbeat: WebSocketHeartbeat;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    port: Port<WebSocketEvent | FloodNotice>,
    private readonly config: WebConfig,
    private readonly adapter: JsonAdapter,
  ) {
    super(port, config, 'websocket');
    this.heartbeat = new WebSocketHeartbeat(ws, config.heartbeatMs);
  }

  protected override greet(): void {
    this.heartbeat.start();
  }

  // #region frames
  protected async input(input: WebSocketEvent): Promise<void> {
    switch (input[0]) {
      case 'pong':
        return this.heartbeat.pong();
      case 'ping':
        // ws has answered it: it was only counted.
        return;
      case 'binary':
        return this.error('INVALID_JSON', 'binary frames are not read: send text');
      case 'text': {
        // Pongs do not count as activity: only what the user sends.
        this.touch();
        const decoded = this.adapter.decode(input[1]);
        if (decoded[0] === 'error') this.reply(decoded[1]);
        else await this.session.handle(decoded[1]);
      }
    }
  }
  // #endregion frames

  /**
   * What the session said, sent as the JSON adapter encodes it: one message, or several in
   * order, each a frame (a join in step 7 is answered by `joined`, then the room's history).
   */
  protected show(event: SessionEvent): void {
    const encoded = this.adapter.encode(event);
    if (encoded === undefined) return;
    if (!Array.isArray(encoded)) {
      this.showOne(encoded);
      return;
    }
    for (const message of encoded) this.showOne(message);
  }

  /** One encoded message: a room's (bytes, encoded once for every member), or an object. */
  private showOne(message: object | Buffer): void {
    if (Buffer.isBuffer(message)) this.write(message);
    else this.reply(message);
  }

  // #region limits
  /** The flood rule of the telnet side, with errors instead of lines. */
  protected slowDown(): void {
    this.error(
      'RATE_LIMITED',
      `slow down: ${rateText(this.config)}; this one was dropped, more will disconnect you`,
    );
  }

  /** A client that left the last ping unanswered is cut off, and its rooms see it leave. */
  protected override info(message: unknown): void {
    if (message === HEARTBEAT && !this.heartbeat.beat()) this.stop({ shutdown: 'no_pong' });
  }

  /** Frames written in one turn (a drained mailbox) leave in one system call: see sendBounded. */
  protected writeBounded(data: string | Buffer): boolean {
    return sendBounded(this.ws, data, this.config.maxOutboundBytes, this.socket);
  }

  protected override stopping(): void {
    this.heartbeat.stop();
  }
  // #endregion limits

  // #region goodbye
  /** An error that says why, then the closing handshake. */
  protected sayGoodbye(farewell: Farewell): void {
    // Read nothing more from a flooder: ws would go on parsing what it sends while the
    // closing handshake waits for its answer, which is then cut off after closeTimeout.
    if (farewell.why === 'flood') this.ws.pause();
    const [errorCode, text] = farewellError(farewell, this.config, this.adapter);
    this.error(errorCode, text);
    const code = farewell.why === 'shutdown' ? CloseCode.GOING_AWAY : CloseCode.POLICY_VIOLATION;
    this.ws.close(code, closeReason(text));
  }
  // #endregion goodbye

  private reply(message: object): void {
    this.write(JSON.stringify(message));
  }

  private error(code: ConnectionErrorCode, text: string): void {
    this.reply(this.adapter.errorMessage(code, text));
  }
}

function rateText(config: WebConfig): string {
  return `at most ${config.linesPerSecond} messages a second`;
}

function farewellError(
  farewell: Farewell,
  config: WebConfig,
  adapter: JsonAdapter,
): [ConnectionErrorCode, string] {
  switch (farewell.why) {
    case 'no_name':
      return ['TIMED_OUT', `no join in ${farewell.seconds} s; disconnecting`];
    case 'idle':
      return ['TIMED_OUT', `nothing sent in ${farewell.seconds} s; disconnecting`];
    case 'flood':
      return ['RATE_LIMITED', `still too many messages (${rateText(config)}); disconnecting`];
    case 'shutdown':
      return ['SERVER_SHUTDOWN', 'the server is shutting down'];
    case 'bye':
      // A room dropped the user, who fell too far behind: the only way a session ends here.
      return ['TOO_SLOW', adapter.byeText(farewell.event) ?? 'bye'];
  }
}
