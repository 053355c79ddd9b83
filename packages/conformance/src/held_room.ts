import { GenServer, type Pid, Registry } from '@otp-chat/otp';

/** A room of the test's own, holding the joins it gets; see `heldRoom`. */
export interface HeldRoom {
  /** Resolves once a join has reached the room: the user who sent it now waits. */
  readonly joining: Promise<void>;
  /** Answers the joins, held and to come. */
  release(): void;
  /** Releases what it holds, and stops the room. */
  stop(): Promise<void>;
}

/**
 * A room registered as `name` in the step's rooms' registry, that answers a join only when the
 * test releases it. A user who joins it waits in that call, and its connection's process takes
 * nothing from its mailbox meanwhile: what its other rooms send it piles up there, as it would
 * for a connection the server is too busy to serve. A room drops such a member once
 * `maxQueuedEvents` wait for it, which no client can cause alone: one that stops reading is
 * dropped earlier, by the bound on the bytes waiting in its socket.
 */
export async function heldRoom(registry: string, name: string): Promise<HeldRoom> {
  let entered!: () => void;
  const joining = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const module = {
    name: 'HeldRoom',
    init: () => ['ok', null] as const,
    async handleCall(request: readonly unknown[], _from: unknown, state: null) {
      if (request[0] !== 'join') return ['reply', 'ok', state] as const;
      entered();
      await released;
      // What a room answers a join: its name and its members, the new one last.
      return ['reply', ['ok', name, [request[2]]], state] as const;
    },
    handleCast: (_request: unknown, state: null) => ['noreply', state] as const,
  };
  const listing = { id: name, userCount: 0 };
  const started = await GenServer.start(module, undefined, {
    name: Registry.via(registry, name, listing),
  });
  if (started === 'ignore' || started[0] !== 'ok') {
    throw new Error(`the held room did not start: ${String(started)}`);
  }
  const pid: Pid = started[1];
  return {
    joining,
    release,
    async stop() {
      release();
      await GenServer.stop(pid);
    },
  };
}
