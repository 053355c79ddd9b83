/**
 * Test helpers for the Supervisor and DynamicSupervisor suites: a worker that writes its starts
 * and stops to a shared log (so a test can check which children a supervisor restarted, and in
 * which order), a child that will not stop when asked, and event-driven waits.
 */
import {
  type ChildOverrides,
  type ChildSpec,
  GenServer,
  type GenServerModule,
  Pid,
  receive,
  type Shutdown,
  type StartResult,
  Supervisor,
  spawnLink,
  trapExit,
} from '../src/index.ts';
import { deferred } from './helpers.ts';

export interface WorkerState {
  readonly id: string;
  readonly log: string[];
}

type WorkerCast = readonly ['exit', unknown];

/**
 * Logs `start <id>` when it starts and `stop <id>` when it stops. It traps exits, so a shutdown
 * from its supervisor runs its terminate (and shows in the log), as a GenServer's does in OTP.
 * Cast it `['exit', reason]` to make it stop with `reason`.
 */
export const Worker: GenServerModule<WorkerState, WorkerState, 'ping', WorkerCast> = {
  name: 'Worker',
  init(state) {
    trapExit(true);
    state.log.push(`start ${state.id}`);
    return ['ok', state];
  },
  handleCall: (_request, _from, state) => ['reply', 'pong', state],
  handleCast: ([, reason], state) => ['stop', reason, state],
  terminate(_reason, state) {
    state.log.push(`stop ${state.id}`);
  },
};

/** A spec for a logging Worker with this id. */
export function worker(log: string[], id: string, overrides: ChildOverrides = {}): ChildSpec {
  return Supervisor.childSpec(Worker, { id, log }, { id, ...overrides });
}

/** Makes a Worker stop with `reason` (a crash unless the reason is a clean one). */
export function crash(pid: unknown, reason: unknown = 'boom'): void {
  if (!(pid instanceof Pid)) throw new Error(`not a running child: ${String(pid)}`);
  GenServer.cast(pid, ['exit', reason]);
}

/** A plain process that traps exits and ignores them: only a kill stops it. */
export function stubborn(id: string, shutdown: Shutdown): ChildSpec {
  return {
    id,
    shutdown,
    start: async (): Promise<StartResult> => {
      const trapping = deferred();
      const pid = spawnLink(async () => {
        trapExit(true);
        trapping.resolve();
        for (;;) await receive();
      });
      await trapping.promise;
      return ['ok', pid];
    },
  };
}

/** The pid a start result carries; fails the test for anything else. */
export function okPid(result: StartResult): Pid {
  if (result === 'ignore' || result[0] !== 'ok') throw new Error(`not started: ${String(result)}`);
  return result[1];
}

/**
 * Polls `probe` until it returns something truthy, which it returns. Restarts happen in the
 * supervisor's own time, so tests wait for what they expect to see rather than for a fixed time.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await receive(() => false, 10);
  }
}
