/**
 * One process per WebSocket, like the telnet connections: it owns the WebSocket (see
 * websocket_owner.ts), and its mailbox mixes the client's frames with what rooms send it. It
 * handles them one at a time, so it answers a client's requests in the order they were sent.
 *
 * Every frame is checked against the protocol's schema before anything acts on it (see
 * protocol.ts); a bad one is answered with an error and changes nothing. The limits are the
 * telnet side's (the flood gate, the outbound bound) plus two of the WebSocket's own: the
 * largest frame, which ws enforces, and a heartbeat that finds connections that died without
 * closing.
 */

import { nameKey } from '@otp-chat/chat';
import { FloodGate, sendBounded } from '@otp-chat/net';
import {
  cancelTimer,
  type DownMessage,
  type DynamicChildSpec,
  demonitor,
  type ExitMessage,
  type ExitReason,
  exit,
  monitor,
  type Pid,
  type Ref,
  Registry,
  receive,
  type StartResult,
  self,
  sendAfter,
  spawnLink,
  trapExit,
} from '@otp-chat/otp';
import type { WebSocket } from 'ws';
import { ChatServer, type RoomMessage } from './chat_server.ts';
import type { ChatConfig } from './config.ts';
import { type Transport, USERS } from './connection.ts';
import {
  type ClientMessage,
  decodeClientFrame,
  type ErrorCode,
  errorMessage,
  type ServerMessage,
} from './protocol.ts';
import type { RoomEvent } from './room_event.ts';
import {
  closeWebSocketWhenExits,
  receiveFrames,
  type WebSocketMessage,
} from './websocket_owner.ts';

/** What the heartbeat timer sends the connection process. */
const HEARTBEAT = 'heartbeat';

/** Close codes (RFC 6455): the server is going away; the client broke a rule. */
const GOING_AWAY = 1001;
const POLICY_VIOLATION = 1008;

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
  const pid = spawnLink(() => new WebConnection(ws, config).run());
  closeWebSocketWhenExits(pid, ws);
  return ['ok', pid];
}
// #endregion start

/** A room the user is in. */
interface JoinedRoom {
  /** The room's name as the room spells it: what its news carries as `roomId`. */
  readonly name: string;
  pid: Pid;
  /** Our monitor on the room: if it crashes, we join it again. */
  ref: Ref;
}

class WebConnection {
  /** The user's name, from the first join; kept until the connection closes. */
  private user: string | undefined;
  /** The rooms the user is in, by the room's own name. */
  private readonly rooms = new Map<string, JoinedRoom>();
  private readonly flood: FloodGate;
  /** The timer that sends us the next `['heartbeat']`, and whether the last ping was answered. */
  private heartbeatTimer: Ref | undefined;
  private answered = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly config: ChatConfig,
  ) {
    this.flood = new FloodGate({ ratePerSecond: config.linesPerSecond, burst: config.lineBurst });
  }

  // #region run
  async run(): Promise<void> {
    // The supervisor's shutdown arrives as a message, so we can say goodbye first.
    trapExit(true);
    receiveFrames(this.ws);
    this.heartbeatTimer = sendAfter(self(), HEARTBEAT, this.config.heartbeatMs);
    for (;;) await this.handle(await receive());
  }

  private async handle(message: unknown): Promise<void> {
    if (isRoomMessage(message)) this.deliver(message[1]);
    else if (message === HEARTBEAT) this.heartbeat();
    else if (isWebSocket(message)) await this.onSocket(message);
    else if (isDown(message)) await this.roomDown(message);
    else if (isExit(message)) {
      // Our supervisor shuts us down (the server is stopping), or the users registry died.
      this.goodbye('SERVER_SHUTDOWN', 'the server is shutting down', GOING_AWAY, message.reason);
    }
  }
  // #endregion run

  // #region frames
  private async onSocket(message: WebSocketMessage): Promise<void> {
    switch (message[0]) {
      case 'ws_pong':
        this.answered = true;
        return;
      case 'ws_closed':
        return this.stop('normal');
      case 'ws_binary':
        if (this.withinRate()) this.error('INVALID_JSON', 'binary frames are not read: send text');
        return;
      case 'ws_text': {
        if (!this.withinRate()) return;
        const [status, decoded] = decodeClientFrame(message[1]);
        if (status === 'error') this.reply(decoded);
        else await this.request(decoded);
      }
    }
  }

  /** A frame that passed the schema: only now does anything happen. */
  private async request(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'join':
        return this.join(message.roomId, message.username);
      case 'leave':
        return this.leave(message.roomId);
      case 'message':
        return this.say(message.roomId, message.text);
      case 'list_rooms':
        return this.listRooms();
      case 'list_users':
        return this.listUsers(message.roomId);
    }
  }
  // #endregion frames

  // #region requests
  private async join(roomId: string, username: string): Promise<void> {
    if (!this.claimName(username)) return;
    const joined = this.findRoom(roomId);
    if (joined !== undefined) {
      this.error('ALREADY_IN_ROOM', `you are in ${joined.name} already`);
      return;
    }
    const [pid, [, name, members]] = await ChatServer.join(roomId, username);
    this.rooms.set(name, { name, pid, ref: monitor(pid) });
    this.reply({ type: 'joined', roomId: name, users: members });
  }

  /**
   * The first join names the user, under the same registry and rules as telnet users, so a
   * name is unique across both transports. Later joins must give the same name.
   */
  private claimName(username: string): boolean {
    if (this.user === username) return true;
    if (this.user !== undefined) {
      this.error('INVALID_USERNAME', `you are ${this.user} on this connection`);
      return false;
    }
    const transport: Transport = 'websocket';
    if (Registry.register(USERS, nameKey(username), transport)[0] === 'error') {
      this.error('INVALID_USERNAME', `the name ${username} is taken`);
      return false;
    }
    this.user = username;
    return true;
  }

  private async leave(roomId: string): Promise<void> {
    const room = this.findRoom(roomId);
    if (room === undefined) return this.notInRoom(roomId);
    this.rooms.delete(room.name);
    demonitor(room.ref, { flush: true });
    await ChatServer.leave(room.pid);
    this.reply({ type: 'left', roomId: room.name });
  }

  private say(roomId: string, text: string): void {
    const room = this.findRoom(roomId);
    // The room sends the message back to us with the others' copies: see chat_server.ts.
    if (room === undefined) this.notInRoom(roomId);
    else ChatServer.say(room.pid, text);
  }

  private async listRooms(): Promise<void> {
    const rooms = await ChatServer.listRooms();
    this.reply({ type: 'room_list', rooms: rooms.map(([id, userCount]) => ({ id, userCount })) });
  }

  /** Anyone may list the people in any room, as /rooms shows everyone how many are where. */
  private async listUsers(roomId: string): Promise<void> {
    const room = this.findRoom(roomId);
    const pid = room?.pid ?? ChatServer.whereis(roomId);
    let users: string[] = [];
    try {
      if (pid !== undefined) users = await ChatServer.members(pid);
    } catch {
      // The room stopped as we asked: nobody is in it.
    }
    this.reply({ type: 'user_list', roomId: room?.name ?? roomId, users });
  }

  private notInRoom(roomId: string): void {
    this.error('NOT_IN_ROOM', `you are not in ${roomId}`);
  }

  /** The room called `roomId` (in any case) if the user is in it. */
  private findRoom(roomId: string): JoinedRoom | undefined {
    const exact = this.rooms.get(roomId);
    if (exact !== undefined) return exact;
    const key = nameKey(roomId);
    for (const room of this.rooms.values()) if (nameKey(room.name) === key) return room;
    return undefined;
  }
  // #endregion requests

  // #region deliver
  /** A room's news, sent as the frame its event encodes it to (once, for all the members). */
  private deliver(event: RoomEvent): void {
    // News sent just before we left a room is not for us any more.
    if (this.rooms.has(event.news.roomId)) this.send(event.frame);
  }
  // #endregion deliver

  /**
   * A room we are in went down: it crashed (its supervisor restarts it, empty) or its
   * supervisor was restarted. Join it again, and tell the client who is there now.
   */
  private async roomDown(down: DownMessage): Promise<void> {
    const room = [...this.rooms.values()].find((joined) => joined.ref === down.ref);
    if (room === undefined || this.user === undefined) return;
    const [pid, [, , members]] = await ChatServer.join(room.name, this.user);
    room.pid = pid;
    room.ref = monitor(pid);
    this.reply({ type: 'joined', roomId: room.name, users: members });
  }

  // #region limits
  /** The flood rule of the telnet side, with errors instead of lines. */
  private withinRate(): boolean {
    const verdict = this.flood.check();
    if (verdict === 'ok') return true;
    const rate = `at most ${this.config.linesPerSecond} messages a second`;
    if (verdict === 'disconnect') {
      this.goodbye('RATE_LIMITED', `still too many messages (${rate}); disconnecting`);
    }
    this.error(
      'RATE_LIMITED',
      `slow down: ${rate}; this one was dropped, more will disconnect you`,
    );
    return false;
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

function isRoomMessage(message: unknown): message is RoomMessage {
  return (message as unknown[] | null)?.[0] === 'room_event';
}

function isWebSocket(message: unknown): message is WebSocketMessage {
  const tag = (message as unknown[] | null)?.[0];
  return typeof tag === 'string' && tag.startsWith('ws_');
}

function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}
