/**
 * A run's processes: the server under test in a child process of its own, and the load
 * workers; starting them (pinned to their CPUs when the run says so), connecting every client,
 * waiting for quiet, and ending them all.
 */
import { join } from 'node:path';
import { type Child, maxFds, startChild } from './children.ts';
import type { ClientPlan, Transport } from './clients/client.ts';
import { sleep } from './clock.ts';
import { dealClients } from './deal.ts';
import type { ConnectRequest, ConnectResult } from './load_worker.ts';
import type { Sizes } from './options.ts';
import type { Endpoints, PeerSetup, ServerName } from './peers/peer.ts';
import { capClients, clientCount, type RoomPlan } from './scenarios.ts';
import type { ServerReady, ServerSample } from './server_child.ts';

/** Files a node process has open besides its connections: stdio, IPC, epoll, listeners... */
const FD_MARGIN = 64;

/** Which CPUs the server and the load workers run on (taskset lists), or null: any. */
export interface Placement {
  readonly server: string;
  readonly load: string;
}

/** What starting a run needs to know. */
export interface SessionContext {
  readonly sizes: Sizes;
  readonly placement: Placement | null;
  /** Where profiles go, or null: no profiling. */
  readonly profileDir: string | null;
}

/** A started server child and its workers, with what it takes to end them all. */
export class Session {
  workers: Child[] = [];
  constructor(
    readonly server: Child,
    readonly endpoints: Endpoints,
  ) {}

  sample(gc: boolean): Promise<ServerSample> {
    return this.server.call<ServerSample>('sample', { gc });
  }

  connections(): Promise<number> {
    return this.server.call<number>('connections');
  }

  /** The server first (its clients see it go, rather than it seeing them go), then the workers. */
  async end(): Promise<void> {
    this.server.call('exit').catch(() => {});
    await Promise.race([this.server.exited, sleep(10_000)]);
    await this.server.stop();
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}

function targetFor(endpoints: Endpoints, transport: Transport): string | number {
  const target =
    transport === 'json'
      ? endpoints.json
      : transport === 'socketio'
        ? endpoints.socketio
        : endpoints.telnet;
  if (target === undefined) throw new Error(`the server has no ${transport} endpoint`);
  return target;
}

/** The most clients one server can hold here, and a note if the plan needs more. */
function capByFdLimit(rooms: readonly RoomPlan[]): [RoomPlan[], string | null] {
  const wanted = clientCount(rooms);
  const most = maxFds() - FD_MARGIN;
  if (wanted <= most) return [[...rooms], null];
  return [
    capClients(rooms, most),
    `${wanted} connections asked for; the server process may open ${maxFds()} files (hard limit, ulimit -Hn), so ${most}`,
  ];
}

async function open(
  scenario: string,
  server: ServerName,
  rooms: readonly RoomPlan[],
  context: SessionContext,
  setup: PeerSetup,
): Promise<[Session, string | null]> {
  const clients = clientCount(rooms);
  const nodeFlags = ['--expose-gc'];
  const [child, ready] = await startChild<ServerReady>({
    file: 'src/server_child.ts',
    args: [server, JSON.stringify(setup)],
    nodeFlags,
    fds: clients + FD_MARGIN,
    cpus: context.placement?.server,
    label: `server ${server}`,
  });
  const profile =
    context.profileDir === null
      ? null
      : join(context.profileDir, `${scenario}-${server}.cpuprofile`.replace(/[^\w.-]/g, '_'));
  return [new Session(child, ready.endpoints), profile];
}

function startWorkers(plans: ClientPlan[][], placement: Placement | null): Promise<Child[]> {
  return Promise.all(
    plans.map(async (clients, i) => {
      const [worker] = await startChild({
        file: 'src/load_worker.ts',
        fds: clients.length + FD_MARGIN,
        cpus: placement?.load,
        label: `worker ${i + 1}`,
      });
      return worker;
    }),
  );
}

export async function connectAll(
  session: Session,
  plans: ClientPlan[][],
  transport: Transport,
  concurrency: number,
): Promise<ConnectResult> {
  const target = targetFor(session.endpoints, transport);
  const results = await Promise.all(
    session.workers.map((worker, i) =>
      worker.call<ConnectResult>('connect', {
        transport,
        target,
        clients: plans[i]!,
        concurrency,
      } satisfies ConnectRequest),
    ),
  );
  return {
    connected: results.reduce((sum, r) => sum + r.connected, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    reasons: results.flatMap((r) => r.reasons).slice(0, 5),
    seconds: Math.max(...results.map((r) => r.seconds)),
    joinedByRoom: addUp(results.map((r) => r.joinedByRoom)),
  };
}

/** Waits until no client has received anything for `settleMs` (join notices, a drain). */
export async function quiet(workers: Child[], settleMs = 600, maxMs = 180_000): Promise<void> {
  const start = Date.now();
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() - start < maxMs) {
    const frames = (await Promise.all(workers.map((w) => w.call<number>('frames')))).reduce(
      (a, b) => a + b,
      0,
    );
    if (frames !== last) {
      last = frames;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= settleMs) return;
    await sleep(150);
  }
}

export function addUp(parts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const part of parts)
    for (const [key, n] of Object.entries(part)) sums[key] = (sums[key] ?? 0) + n;
  return sums;
}

/**
 * What every run starts with: the rooms that fit the fd limit, the server (started as `setup`
 * says), and the workers.
 */
export async function prepare(
  scenario: { key: string; rooms: readonly RoomPlan[] },
  server: ServerName,
  context: SessionContext,
  setup: PeerSetup = {},
) {
  const [rooms, capped] = capByFdLimit(scenario.rooms);
  const plans = dealClients(rooms, context.sizes.workers);
  const [[session, profileFile], workers] = await Promise.all([
    open(scenario.key, server, rooms, context, setup),
    startWorkers(plans, context.placement),
  ]);
  session.workers = workers;
  return { rooms, capped, plans, session, profileFile };
}
