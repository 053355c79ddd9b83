import {
  exit,
  type Pid,
  Registry,
  receive,
  Supervisor,
  send,
  spawn,
  whenIdle,
} from '@otp-chat/otp';
import { afterEach, beforeEach, vi } from 'vitest';
import {
  type ChatStorage,
  ChatSupervisor,
  type HistoryOptions,
  type RoomLimits,
  Session,
  type SessionEvent,
  type SessionOptions,
  type SessionRequest,
  USERS,
} from '../src/index.js';

/**
 * What the session tests share, and a transport's tests too (as `@otp-chat/chat/testing`): a
 * fake transport, and a tree of rooms and users per test.
 */

/**
 * A fake transport: a process that runs a session, takes requests from the test as messages
 * and keeps every event the session emits (and hands it to `watch`, with the session, for a
 * test of an adapter that encodes it). `stall()` stops it reading its mailbox until
 * `resume()`, as a connection would that cannot keep up.
 */
export class FakeUser {
  readonly events: SessionEvent[] = [];
  readonly pid: Pid;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  constructor(
    options: Partial<SessionOptions> = {},
    watch?: (event: SessionEvent, session: Session) => void,
  ) {
    this.pid = spawn(async () => {
      const session: Session = new Session({
        transport: 'fake',
        ...options,
        emit: (event) => {
          this.events.push(event);
          watch?.(event, session);
        },
      });
      for (;;) {
        await this.gate;
        const message = await receive();
        if (isRequest(message)) await session.handle(message[1]);
        else await session.handleInfo(message);
      }
    });
    users.push(this.pid);
  }

  stall(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  resume(): void {
    this.open();
  }

  /** Sends `request`, without waiting for what it brings. */
  tell(request: SessionRequest): void {
    send(this.pid, ['request', request]);
  }

  /**
   * Sends `request` and waits until the session has emitted an event of type `type` (for a
   * second, as vi.waitFor does, unless told otherwise).
   */
  async ask<T extends SessionEvent['type']>(
    request: SessionRequest,
    type: T,
    timeout?: number,
  ): Promise<Extract<SessionEvent, { type: T }>> {
    const from = this.events.length;
    this.tell(request);
    return this.waitFor(type, from, timeout);
  }

  /** The first message news (not a join or a leave) the session passed on. */
  async waitForMessage(): Promise<Extract<SessionEvent, { type: 'room' }>> {
    return vi.waitFor(() => {
      const event = this.events.find((e) => e.type === 'room' && e.event.news.type === 'message');
      if (event === undefined) throw new Error('no message yet');
      return event as Extract<SessionEvent, { type: 'room' }>;
    });
  }

  async waitFor<T extends SessionEvent['type']>(
    type: T,
    from = 0,
    timeout?: number,
  ): Promise<Extract<SessionEvent, { type: T }>> {
    return vi.waitFor(
      () => {
        const event = this.events.slice(from).find((e) => e.type === type);
        if (event === undefined)
          throw new Error(`no ${type} event yet: ${this.events.map((e) => e.type)}`);
        return event as Extract<SessionEvent, { type: T }>;
      },
      timeout === undefined ? {} : { timeout },
    );
  }
}

function isRequest(message: unknown): message is readonly ['request', SessionRequest] {
  return (message as unknown[] | null)?.[0] === 'request';
}

const users: Pid[] = [];

/**
 * Before each test, the rooms (keeping history with `history`, with `limits` where given,
 * storing messages in what `storage` gives, made anew for each test) and the users registry
 * under one supervisor; after it, every fake user killed and the tree stopped.
 */
export function roomsAndUsersPerTest(
  history?: Partial<HistoryOptions>,
  limits: Partial<RoomLimits> = {},
  storage?: () => ChatStorage,
): void {
  let tree: Pid;
  beforeEach(async () => {
    const started = await Supervisor.start(
      [
        {
          id: 'rooms',
          start: () => ChatSupervisor.startLink(limits, history, storage?.()),
          type: 'supervisor' as const,
        },
        { id: USERS, start: () => Registry.startLink({ keys: 'unique', name: USERS }) },
      ],
      { strategy: 'one_for_one' },
    );
    tree = (started as ['ok', Pid])[1];
  });

  afterEach(async () => {
    for (const pid of users.splice(0)) exit(pid, 'kill');
    await Supervisor.stop(tree);
    await whenIdle();
  });
}
