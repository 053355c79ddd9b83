/**
 * One process per connection, ranch style, whatever the transport. It owns the client's socket
 * (or WebSocket) through a port: what the client sends arrives in its mailbox, at most
 * `maxUnreadInputs` inputs at a time, mixed with what rooms and other users send the user. It
 * runs the transport's adapter and the user's Session in the same process: an input becomes a
 * request, the session acts, its events become what the client reads.
 *
 * This is the life every connection shares: the name phase and its deadline, the flood rule's
 * verdicts (judged earlier still, in the port, as each input arrives), the idle clock, the
 * bound on what waits to be sent, and the goodbye. A transport fills in the rest by extending
 * ChatConnection: how to read an input, how to write an event, and how to say goodbye.
 */
import { IdleTimer } from '@otp-chat/net';
import {
  cancelTimer,
  type DynamicChildSpec,
  type ExitMessage,
  type ExitReason,
  exit,
  type Pid,
  Port,
  type PortMessage,
  type Ref,
  receiveEach,
  self,
  sendAfter,
  spawnLink,
  trapExit,
} from '@otp-chat/otp';
import { type FloodNotice, isFloodNotice } from './flood.js';
import { Session, type SessionEvent } from './session.js';
import type { Transport } from './users.js';

// #region config
/** What every connection needs to know, whatever its transport. */
export interface ConnectionConfig {
  /** How long a new connection has to take a valid name before it is closed. */
  readonly nameTimeoutMs: number;
  /** How long a named user may send nothing before being closed; 0 or none: never. */
  readonly idleTimeoutMs?: number;
  /** How many inputs a client has sent may wait unread in its connection's mailbox. */
  readonly maxUnreadInputs: number;
  /** How many rooms one user may be in at once. */
  readonly maxRoomsPerUser: number;
  /** The most rooms one listing shows. */
  readonly maxListedRooms: number;
  /** The longest message, in characters; the Session's default when left out. */
  readonly maxTextLength?: number;
  /** How many of a room's last messages a join shows, when rooms keep history (step 7 on). */
  readonly historyReplay?: number;
}
// #endregion config

// #region farewell
/** Why the server ends a connection: each transport says it in its own words. */
export type Farewell =
  /** No valid name within `nameTimeoutMs`. */
  | { readonly why: 'no_name'; readonly seconds: number }
  /** Nothing sent for `idleTimeoutMs`. */
  | { readonly why: 'idle'; readonly seconds: number }
  /** More input over the flood rule after a warning. */
  | { readonly why: 'flood' }
  /** The server is stopping (or the users registry died). */
  | { readonly why: 'shutdown' }
  /** The session ended: the user quit, or fell too far behind in a room. */
  | { readonly why: 'bye'; readonly event: Extract<SessionEvent, { type: 'bye' }> };
// #endregion farewell

/** What the connection's timers send it: time to have a name; maybe idle for too long. */
const NAME_TIMEOUT = 'name_timeout';
const IDLE = 'idle';

// #region child
/**
 * How the connection supervisor starts a connection. `temporary`: a connection that ends is
 * never restarted, since its socket is gone with it; the client reconnects if it wants to.
 * `openPort` runs before the process does anything: even if it is killed at once, the socket
 * goes with it. The socket stays paused until the process asks for input.
 */
export function connectionChild<Input>(
  id: string,
  openPort: (owner: Pid) => Port<Input | FloodNotice>,
  connection: (port: Port<Input | FloodNotice>) => ChatConnection<Input>,
): DynamicChildSpec {
  const start = () => {
    let port: Port<Input | FloodNotice> | undefined;
    const pid = spawnLink(() => connection(port!).run());
    port = openPort(pid);
    return ['ok', pid] as const;
  };
  return { id, start, restart: 'temporary' };
}
// #endregion child

/** The connection's life; a transport extends it with the abstract methods at the end. */
export abstract class ChatConnection<Input> {
  protected readonly session: Session;
  /** How long since the user last sent something. */
  private readonly idle: IdleTimer;
  /** Until the user has a name: then it is cancelled, not left to fire for nothing. */
  private nameTimer: Ref | undefined;

  constructor(
    protected readonly port: Port<Input | FloodNotice>,
    private readonly options: ConnectionConfig,
    transport: Transport,
  ) {
    this.session = new Session({
      transport,
      maxRooms: options.maxRoomsPerUser,
      maxListedRooms: options.maxListedRooms,
      emit: (event) => this.event(event),
      ...(options.maxTextLength === undefined ? {} : { maxTextLength: options.maxTextLength }),
      ...(options.historyReplay === undefined ? {} : { replay: options.historyReplay }),
    });
    this.idle = new IdleTimer(options.idleTimeoutMs ?? 0, IDLE);
    this.nameTimer = sendAfter(self(), NAME_TIMEOUT, options.nameTimeoutMs);
  }

  // #region run
  run(): PromiseLike<never> {
    // The supervisor's shutdown arrives as a message, so we can say goodbye first.
    trapExit(true);
    Port.setActive(this.port, this.options.maxUnreadInputs);
    this.greet();
    // One message at a time, for the rest of the connection's life. receiveEach runs through
    // what is queued with no promise per message (a room's news included), and the messages
    // not yet handled stay in the mailbox, so the rooms still see how far behind we are. What
    // a turn writes leaves in one system call: both transports' writeBounded cork the socket.
    return receiveEach((message) => this.handle(message));
  }

  /** One message from the mailbox; a promise only if handling it has to wait. */
  private handle(message: unknown): Promise<unknown> | undefined {
    const handled = this.session.handleInfo(message);
    if (handled === true) return;
    if (handled !== false) return handled; // the session waits for something
    if (Port.isMessage<Input | FloodNotice>(message, this.port)) return this.fromPort(message);
    if (message === NAME_TIMEOUT) this.nameTimeout();
    else if (message === IDLE) this.idleTimeout();
    else if (isExit(message)) this.goodbye({ why: 'shutdown' }, message.reason);
    else this.info(message);
  }
  // #endregion run

  // #region port
  private async fromPort(message: PortMessage<Input | FloodNotice>): Promise<void> {
    switch (message.type) {
      case 'data':
        return this.arrived(message.data);
      case 'passive':
        // The inputs asked for are read: N more. At most N ever wait in the mailbox.
        Port.setActive(this.port, this.options.maxUnreadInputs);
        return;
      case 'end':
      case 'closed':
        this.ended();
        return this.stop('normal');
      case 'error':
        return;
    }
  }

  private async arrived(input: Input | FloodNotice): Promise<void> {
    if (isFloodNotice(input)) return this.flooded(input[1]);
    await this.input(input);
    // The idle clock starts with the name: before it, the name timeout applies.
    if (this.session.name !== undefined) this.named();
  }
  // #endregion port

  /**
   * The user has a name: the name timer has nothing left to do, and the idle clock starts. An
   * idle connection then holds no timer of its own but the transport's: a pending timer is a few
   * hundred bytes, for a minute, on every connection.
   */
  private named(): void {
    if (this.nameTimer !== undefined) {
      cancelTimer(this.nameTimer);
      this.nameTimer = undefined;
    }
    this.idle.start();
  }

  /** No name yet, when time is up for one: goodbye. */
  private nameTimeout(): void {
    if (this.session.name !== undefined) return;
    this.goodbye({ why: 'no_name', seconds: this.options.nameTimeoutMs / 1000 });
  }

  private idleTimeout(): void {
    if (this.idle.expired()) this.goodbye({ why: 'idle', seconds: this.idle.idleMs / 1000 });
  }

  // #region limits
  /**
   * The flood rule, judged by the port as the inputs arrived. Inputs over the rate are
   * dropped; the first one gets a warning, and another one before the client has calmed down
   * (its token bucket full again) disconnects it.
   */
  private flooded(verdict: FloodNotice[1]): void {
    if (verdict === 'disconnect') this.goodbye({ why: 'flood' });
    this.slowDown();
  }

  /**
   * Every write goes through here. A client that does not read lets bytes pile up in its
   * socket's buffer; past the limit it is dropped, and nobody else waits for it.
   */
  protected write(data: string | Buffer): void {
    if (!this.writeBounded(data)) this.stop({ shutdown: 'client_not_reading' });
  }
  // #endregion limits

  /** The client sent something that counts as activity: the idle clock starts again. */
  protected touch(): void {
    this.idle.touch();
  }

  private event(event: SessionEvent): void {
    this.show(event);
    if (event.type === 'bye') this.goodbye({ why: 'bye', event });
  }

  /** Says goodbye as the transport does, and ends the process. */
  protected goodbye(farewell: Farewell, reason: ExitReason = 'normal'): never {
    this.sayGoodbye(farewell);
    return this.stop(reason);
  }

  /**
   * Ends the process. Timers go first: unlike Erlang's, the runtime's timers outlive the
   * process they are for, and a pending one would keep Node running after the server stopped.
   */
  protected stop(reason: ExitReason): never {
    if (this.nameTimer !== undefined) cancelTimer(this.nameTimer);
    this.stopping();
    return exit(reason);
  }

  // #region adapter
  /** What the connection says first (telnet asks for a name); nothing by default. */
  protected greet(): void {}
  /** An input the port delivered, flood notices aside: decode it and ask the session. */
  protected abstract input(input: Input): Promise<void>;
  /** What the session said, encoded and written with `write`. */
  protected abstract show(event: SessionEvent): void;
  /** The client's first input over the flood rule was dropped: warn it. */
  protected abstract slowDown(): void;
  /** Says why the connection ends, and starts closing it. */
  protected abstract sayGoodbye(farewell: Farewell): void;
  /** Writes `data` unless too much waits unsent already; false if so. */
  protected abstract writeBounded(data: string | Buffer): boolean;
  /** A message of the transport's own (a heartbeat); the rest are ignored. */
  protected info(_message: unknown): void {}
  /** The client closed its side. */
  protected ended(): void {}
  /** The process is about to end: cancel the transport's own timers. */
  protected stopping(): void {}
  // #endregion adapter
}

function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}
