/**
 * One process per connection. It owns the socket (see socket_owner.ts): the lines the client
 * types arrive in its mailbox, mixed with what rooms and other users send it, and it handles
 * them one at a time. It is the only code that writes to the socket, so it is where the limits
 * on what a client may cost the server are enforced.
 *
 * The life of a connection: greet, ask for a name until a valid free one comes (or time runs
 * out), enter the default room, then chat until /quit, a dropped connection, or a limit.
 */
import type { Socket } from 'node:net';
import { explainNameProblem, nameKey, nameProblem, withoutControls } from '@otp-chat/chat';
import { FloodGate, writeBounded } from '@otp-chat/net';
import {
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
  send,
  spawnLink,
  TIMEOUT,
  trapExit,
} from '@otp-chat/otp';
import { ChatServer, type RoomMessage } from './chat_server.ts';
import { COMMANDS, type Command, parseCommand } from './commands.ts';
import type { ChatConfig } from './config.ts';
import { closeWhenExits, receiveLines, type SocketMessage } from './socket_owner.ts';

/** The registry of connected users: name key -> connection pid, with the name as typed. */
export const USERS = 'Chat.Users';

/** The connection process of the user called `name` (in any case), if connected. */
export function userPid(name: string): Pid | undefined {
  return Registry.lookup(USERS, nameKey(name))[0]?.[0];
}

/** A private line from another user. */
export type PrivateMessage = readonly ['private', from: string, text: string];

// #region start
/**
 * How the connection supervisor starts a connection. `temporary`: a connection that ends is
 * never restarted, since its socket is gone with it; the client reconnects if it wants to.
 */
export function connectionSpec(socket: Socket, config: ChatConfig): DynamicChildSpec {
  return {
    // Labels the process in the tree: the client's address (its port would change every run).
    id: socket.remoteAddress ?? 'connection',
    start: () => startConnection(socket, config),
    restart: 'temporary',
  };
}

function startConnection(socket: Socket, config: ChatConfig): StartResult {
  const pid = spawnLink(() => new Connection(socket, config).run());
  // Before the process runs at all: even if it is killed at once, the socket goes with it.
  closeWhenExits(pid, socket);
  return ['ok', pid];
}
// #endregion start

/** A room the user is in. */
interface JoinedRoom {
  readonly name: string;
  pid: Pid;
  /** Our monitor on the room: if it crashes, we rejoin it. */
  ref: Ref;
  /** `[name] `, put before the room's lines when the user is in several rooms. */
  readonly prefix: Buffer;
}

class Connection {
  private user = '';
  /** The rooms the user is in, in the order joined: the last one is where they talk. */
  private readonly rooms: JoinedRoom[] = [];
  /** Judges every line the client sends against the rate (see withinRate). */
  private readonly flood: FloodGate;

  constructor(
    private readonly socket: Socket,
    private readonly config: ChatConfig,
  ) {
    this.flood = new FloodGate({ ratePerSecond: config.linesPerSecond, burst: config.lineBurst });
  }

  // #region run
  async run(): Promise<void> {
    // The supervisor's shutdown arrives as a message, so we can say goodbye first.
    trapExit(true);
    receiveLines(this.socket, this.config.maxLineBytes);
    this.send('Welcome to otp-chat!');
    await this.login();
    await this.join(this.config.defaultRoom);
    for (;;) await this.handle(await receive());
  }
  // #endregion run

  // #region login
  /** Asks for a name until a valid, free one comes; gives up after `nameTimeoutMs`. */
  private async login(): Promise<void> {
    const deadline = performance.now() + this.config.nameTimeoutMs;
    this.send('What is your name?');
    for (;;) {
      const message = await receive(undefined, Math.max(0, deadline - performance.now()));
      if (message === TIMEOUT) {
        this.goodbye(`No name given in ${this.config.nameTimeoutMs / 1000} s. Bye!`);
      } else if (isSocket(message) && message[0] === 'line') {
        if (this.withinRate() && this.claimName(message[1].trim())) return;
        this.send('What is your name?');
      } else {
        this.handleCommon(message);
      }
    }
  }

  /** Registers `name` for this connection; false (after saying why) if it cannot be had. */
  private claimName(name: string): boolean {
    if (name === '/quit') this.goodbye('Bye!');
    const problem = nameProblem(name);
    if (problem !== undefined) {
      this.send(`Sorry, ${explainNameProblem(problem)}.`);
      return false;
    }
    // The registry checks and takes the key in one step: two people cannot both get a name.
    if (Registry.register(USERS, nameKey(name), name)[0] === 'error') {
      this.send(`Sorry, the name ${name} is taken.`);
      return false;
    }
    this.user = name;
    this.send(`Hello ${name}! Type /help for the commands.`);
    return true;
  }
  // #endregion login

  // #region handle
  /** One message from the mailbox, once the user has a name. */
  private async handle(message: unknown): Promise<void> {
    if (isRoomMessage(message)) this.deliver(message);
    else if (isPrivate(message)) this.send(`[private] ${message[1]}: ${message[2]}`);
    else if (isSocket(message) && message[0] === 'line') await this.onLine(message[1]);
    else if (isDown(message)) await this.roomDown(message);
    else this.handleCommon(message);
  }

  /** What is handled the same way before and after login. */
  private handleCommon(message: unknown): void {
    if (isSocket(message)) {
      if (message[0] === 'closed') {
        // What we wrote before still goes out: end the socket rather than drop it.
        this.socket.end();
        exit('normal');
      }
      if (message[0] === 'line_error') this.reportBadLine(message[1]);
    } else if (isExit(message)) {
      // Our supervisor shuts us down (the server is stopping), or the users registry died.
      this.goodbye('The server is shutting down. Bye!', message.reason);
    }
  }

  private async onLine(text: string): Promise<void> {
    if (!this.withinRate()) return;
    if (text.startsWith('/')) return this.command(parseCommand(text));
    const clean = withoutControls(text);
    if (clean.trim() === '') return;
    const room = this.rooms.at(-1);
    if (room === undefined) this.send('error: you are in no room; /join one');
    else ChatServer.say(room.pid, clean);
  }
  // #endregion handle

  // #region deliver
  /** A room's line or notice, written as the room formatted it. */
  private deliver(message: RoomMessage): void {
    if (message[0] === 'notice') {
      this.write(message[1]);
      return;
    }
    const [, roomName, bytes] = message;
    if (this.rooms.length > 1) {
      const room = this.rooms.find((joined) => joined.name === roomName);
      if (room === undefined) return; // a line sent just before we left that room
      this.write(room.prefix);
    }
    this.write(bytes);
  }
  // #endregion deliver

  // #region commands
  private async command(command: Command): Promise<void> {
    switch (command[0]) {
      case 'help':
        for (const [usage, what] of COMMANDS) this.send(`  ${usage.padEnd(20)} ${what}`);
        return;
      case 'join':
        return this.join(command[1]);
      case 'leave':
        return this.leave();
      case 'rooms':
        return this.showRooms();
      case 'users':
        return this.showUsers();
      case 'msg':
        return this.privateMessage(command[1], command[2]);
      case 'quit':
        this.goodbye('Bye!');
        return;
      case 'error':
        this.send(`error: ${command[1]}`);
        return;
    }
  }

  /** Joins a room, or makes a room already joined the one the user talks in. */
  private async join(name: string): Promise<void> {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      this.send(`error: room names follow the rules for names: ${explainNameProblem(problem)}`);
      return;
    }
    const index = this.rooms.findIndex((room) => nameKey(room.name) === nameKey(name));
    if (index >= 0) {
      const [room] = this.rooms.splice(index, 1);
      this.rooms.push(room!);
      this.send(`You now talk in ${room!.name}.`);
      return;
    }
    const [pid, [, roomName, others]] = await ChatServer.join(name, this.user);
    const prefix = Buffer.from(`[${roomName}] `);
    this.rooms.push({ name: roomName, pid, ref: monitor(pid), prefix });
    this.send(
      others.length === 0
        ? `You joined ${roomName}; nobody else is here.`
        : `You joined ${roomName} with ${others.join(', ')}.`,
    );
  }

  private async leave(): Promise<void> {
    const room = this.rooms.pop();
    if (room === undefined) {
      this.send('error: you are in no room');
      return;
    }
    demonitor(room.ref, { flush: true });
    await ChatServer.leave(room.pid);
    const now = this.rooms.at(-1);
    this.send(
      now === undefined
        ? `You left ${room.name}; you are in no room now (/join one).`
        : `You left ${room.name}; you talk in ${now.name}.`,
    );
  }

  private async showRooms(): Promise<void> {
    const rooms = await ChatServer.listRooms();
    if (rooms.length === 0) this.send('There are no rooms; /join one to make it.');
    else this.send(`Rooms: ${rooms.map(([name, size]) => `${name} (${size})`).join(', ')}`);
  }

  private async showUsers(): Promise<void> {
    const room = this.rooms.at(-1);
    if (room === undefined) this.send('error: you are in no room');
    else this.send(`In ${room.name}: ${(await ChatServer.members(room.pid)).join(', ')}`);
  }

  private privateMessage(user: string, text: string): void {
    const target = userPid(user);
    if (target === undefined) this.send(`error: nobody called ${user} is connected`);
    else send(target, ['private', this.user, withoutControls(text)] satisfies PrivateMessage);
  }
  // #endregion commands

  // #region room-down
  /**
   * A room we are in went down: it crashed (its supervisor restarts it, empty) or its
   * supervisor was restarted. Join it again, so the user stays where they were.
   */
  private async roomDown(down: DownMessage): Promise<void> {
    const room = this.rooms.find((joined) => joined.ref === down.ref);
    if (room === undefined) return;
    const [pid] = await ChatServer.join(room.name, this.user);
    room.pid = pid;
    room.ref = monitor(pid);
    this.send(`* ${room.name} restarted; you are still in it.`);
  }
  // #endregion room-down

  // #region limits
  /**
   * The flood limit. Lines over the rate are dropped; the first one gets a warning, and another
   * one before the client has calmed down (its token bucket full again) disconnects it.
   */
  private withinRate(): boolean {
    const verdict = this.flood.check();
    if (verdict === 'ok') return true;
    if (verdict === 'disconnect') this.goodbye('error: still too many lines; disconnecting.');
    this.send(
      `error: slow down: at most ${this.config.linesPerSecond} lines a second; ` +
        'lines over that are dropped, and more will disconnect you.',
    );
    return false;
  }

  private reportBadLine(reason: SocketMessage[1]): void {
    this.send(
      reason === 'line_too_long'
        ? `error: line longer than ${this.config.maxLineBytes} bytes; dropped.`
        : 'error: that line is not valid UTF-8; dropped.',
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

  private send(text: string): void {
    this.write(Buffer.from(`${text}\r\n`));
  }

  /** Says `text`, ends the connection once it is sent, and ends the process. */
  private goodbye(text: string, reason: ExitReason = 'normal'): never {
    this.send(text);
    this.socket.end();
    return exit(reason);
  }
}

function isSocket(message: unknown): message is SocketMessage {
  const tag = (message as unknown[] | null)?.[0];
  return tag === 'line' || tag === 'line_error' || tag === 'closed';
}

function isRoomMessage(message: unknown): message is RoomMessage {
  const tag = (message as unknown[] | null)?.[0];
  return tag === 'room_line' || tag === 'notice';
}

function isPrivate(message: unknown): message is PrivateMessage {
  return (message as unknown[] | null)?.[0] === 'private';
}

function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}
