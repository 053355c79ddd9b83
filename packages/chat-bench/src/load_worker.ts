/**
 * A load worker: a process of its own that holds some of the clients, makes some of them say
 * timed messages, and measures what its clients receive. The coordinator drives it over IPC
 * (see the handlers at the bottom) and merges what every worker measured.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClientEvents, ClientPlan, LoadClient, Transport } from './clients/client.ts';
import { nowUs } from './clock.ts';
import { Histogram, type HistogramData } from './histogram.ts';
import { encodeText, stampOf } from './payload.ts';
import { startProfile, stopProfile } from './profiler.ts';
import { type ChildReady, serveParent } from './rpc.ts';

export interface ConnectRequest {
  readonly transport: Transport;
  /** A URL for json and socketio, a port for telnet. */
  readonly target: string | number;
  readonly clients: readonly ClientPlan[];
  /** How many connections may be opening at once (too many overflow the listen backlog). */
  readonly concurrency: number;
}

export interface ConnectResult {
  readonly connected: number;
  readonly failed: number;
  /** The first few reasons, to show. */
  readonly reasons: string[];
  readonly seconds: number;
  /** Clients that joined, by room. */
  readonly joinedByRoom: Record<string, number>;
}

/** A client of this worker that sends `rate` messages a second, offset by `phase` periods. */
export interface SenderPlan {
  readonly client: number;
  readonly rate: number;
  readonly phase: number;
}

/** When a measured run starts and how long it lasts, for every worker alike. */
export interface RunWindow {
  /** Tells this run's measured messages from any other run's (or this warm-up's) late ones. */
  readonly id: number;
  /** What the warm-up's messages carry instead of `id`: they are sent, and not counted. */
  readonly warmupId: number;
  /** When to start, on the shared clock (clock.ts), so every worker starts together. */
  readonly startAtUs: number;
  /** The warm-up: sending from startAtUs, straight into the measured part, with no pause. */
  readonly warmupMs: number;
  /** The measured part, after the warm-up. */
  readonly durationMs: number;
  /** Characters in each text. */
  readonly size: number;
}

export interface RunRequest extends RunWindow {
  readonly senders: readonly SenderPlan[];
}

export interface WorkerStats {
  readonly sentByRoom: Record<string, number>;
  /** Messages received from someone else, by room: deliveries. */
  readonly receivedByRoom: Record<string, number>;
  /** Senders' own messages coming back to them (the JSON protocols' echo), not deliveries. */
  readonly echoes: number;
  /** Messages of the warm-up or an earlier run that arrived once measuring began: not counted. */
  readonly stale: number;
  readonly latency: HistogramData;
  /**
   * How late each measured message went out after its due time, in microseconds: whether this
   * worker could offer the rate asked (a late sender catches up in a burst).
   */
  readonly sendLag: HistogramData;
  readonly lastDeliveryUs: number;
  readonly errors: Record<string, number>;
  readonly disconnects: number;
  readonly open: number;
}

/** What a worker says at either end of a measured window (see `window` below). */
export interface WorkerWindow {
  /** The worker's CPU time so far, user and system, in microseconds. */
  readonly cpuUs: number;
  /**
   * How late this worker's event loop ran timers since the previous call (p99 and max, in
   * milliseconds): while it is late, what its clients receive waits too, and latency grows on
   * the load's side, not the server's.
   */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/**
 * A flood (the persistence scenario's throughput): the clients given each keep `window` messages
 * unanswered, a new one for each of their own messages that comes back (the echo a room sends
 * its sender too: the server took it, and step 08 stored it first), from `startAtUs` until the
 * end of the measured part; then the worker waits for the answers still due.
 */
export interface FloodRequest extends RunWindow {
  /** Indices of this worker's clients that flood. */
  readonly clients: readonly number[];
  readonly window: number;
}

export interface FloodStats {
  /** Every message sent, the warm-up's included. */
  readonly sent: number;
  /** Every message answered (its echo came back), the warm-up's included. */
  readonly answered: number;
  /** Answers that came in the measured part: the throughput's count. */
  readonly answeredMeasured: number;
  /** Messages refused by the server (an error after the client had joined), by code. */
  readonly errors: Record<string, number>;
  /** Messages neither answered nor refused when the worker stopped waiting (none, normally). */
  readonly unanswered: number;
  /** From a message's send to its echo, measured part only. */
  readonly latency: HistogramData;
  readonly disconnects: number;
}

/** What a flooding client does when its own message comes back, or a refusal. */
interface FloodHook {
  answered(text: string): void;
  refused(code: string): void;
}

interface Held {
  readonly plan: ClientPlan;
  client: LoadClient | undefined;
}

const held: Held[] = [];
let frames = 0;
/** Connections that closed without being asked to, since the worker started. */
let dropped = 0;
let counters = freshCounters();
/** The run whose messages count now, and when its measured part starts. */
let currentRun = 0;
let measureFromUs = 0;
/** The flooding clients, by name, while a flood runs. */
const floodHooks = new Map<string, FloodHook>();

function freshCounters() {
  return {
    sentByRoom: {} as Record<string, number>,
    receivedByRoom: {} as Record<string, number>,
    echoes: 0,
    stale: 0,
    latency: new Histogram(),
    sendLag: new Histogram(),
    lastDeliveryUs: 0,
    errors: {} as Record<string, number>,
    disconnects: 0,
  };
}

/**
 * Times a 10 ms timer, all the time: each sample is the interval between two of its runs, so
 * how late the loop ran it is the interval less 10 ms.
 */
const LOOP_TICK_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
loopDelay.enable();

function windowSample(): WorkerWindow {
  const { user, system } = process.cpuUsage();
  const late = (ns: number) => (loopDelay.count === 0 ? 0 : Math.max(0, ns / 1e6 - LOOP_TICK_MS));
  const sample = {
    cpuUs: user + system,
    loopDelayP99Ms: late(loopDelay.percentile(99)),
    loopDelayMaxMs: late(loopDelay.max),
  };
  loopDelay.reset();
  return sample;
}

function eventsFor(plan: ClientPlan): ClientEvents {
  return {
    frame: () => frames++,
    message: (from, text) => {
      if (from === plan.name) {
        counters.echoes++;
        floodHooks.get(plan.name)?.answered(text);
        return;
      }
      const stamp = stampOf(text);
      if (stamp === undefined) return;
      const now = nowUs();
      if (stamp.run !== currentRun) {
        if (now >= measureFromUs) counters.stale++;
        return;
      }
      counters.latency.record(now - stamp.sentAtUs);
      counters.lastDeliveryUs = now;
      counters.receivedByRoom[plan.room] = (counters.receivedByRoom[plan.room] ?? 0) + 1;
    },
    error: (code) => {
      counters.errors[code] = (counters.errors[code] ?? 0) + 1;
      floodHooks.get(plan.name)?.refused(code);
    },
    closed: () => {
      counters.disconnects++;
      dropped++;
      floodHooks.get(plan.name)?.refused('DISCONNECTED');
    },
  };
}

async function connector(transport: Transport, target: string | number) {
  switch (transport) {
    case 'json': {
      const { connectJson } = await import('./clients/json_client.ts');
      return (plan: ClientPlan) => connectJson(target as string, plan, eventsFor(plan));
    }
    case 'socketio': {
      const { connectSocketIo } = await import('./clients/socketio_client.ts');
      return (plan: ClientPlan) => connectSocketIo(target as string, plan, eventsFor(plan));
    }
    case 'telnet': {
      const { connectTelnet } = await import('./clients/telnet_client.ts');
      return (plan: ClientPlan) => connectTelnet(target as number, plan, eventsFor(plan));
    }
  }
}

/** Connects (and joins) every client, `concurrency` at a time. */
async function connectAll(request: ConnectRequest): Promise<ConnectResult> {
  const start = nowUs();
  const connect = await connector(request.transport, request.target);
  const reasons: string[] = [];
  const joinedByRoom: Record<string, number> = {};
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < request.clients.length) {
      const entry: Held = { plan: request.clients[next++]!, client: undefined };
      held.push(entry);
      try {
        entry.client = await connect(entry.plan);
        joinedByRoom[entry.plan.room] = (joinedByRoom[entry.plan.room] ?? 0) + 1;
      } catch (error) {
        failed++;
        if (reasons.length < 5) reasons.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, lane));
  return {
    connected: request.clients.length - failed,
    failed,
    reasons,
    seconds: (nowUs() - start) / 1e6,
    joinedByRoom,
  };
}

/**
 * Each sender says its messages on its own schedule, the warm-up's and then the measured
 * ones; resolves when all have been said. Counting starts afresh: only measured messages are
 * counted as sent, and only measured messages received count as deliveries.
 */
function run(request: RunRequest): Promise<{ sent: number }> {
  counters = freshCounters();
  currentRun = request.id;
  measureFromUs = request.startAtUs + request.warmupMs * 1000;
  const endUs = measureFromUs + request.durationMs * 1000;
  let sent = 0;
  const senders = request.senders.map(
    (sender) =>
      new Promise<void>((resolve) => {
        const entry = held[sender.client];
        const client = entry?.client;
        if (entry === undefined || client === undefined) return resolve();
        const periodUs = 1e6 / sender.rate;
        let seq = 0;
        const tick = () => {
          // Every message due by now goes out, so a late timer does not lower the rate.
          let due = request.startAtUs + (seq + sender.phase) * periodUs;
          while (due <= nowUs() && due < endUs) {
            const now = nowUs();
            const measured = due >= measureFromUs;
            const id = measured ? request.id : request.warmupId;
            client.say(encodeText(now, id, sender.client, seq, request.size));
            if (measured) {
              const room = entry.plan.room;
              counters.sentByRoom[room] = (counters.sentByRoom[room] ?? 0) + 1;
              counters.sendLag.record(now - due);
              sent++;
            }
            seq++;
            due = request.startAtUs + (seq + sender.phase) * periodUs;
          }
          if (due >= endUs) return resolve();
          setTimeout(tick, Math.max(0, (due - nowUs()) / 1000));
        };
        setTimeout(tick, Math.max(0, (request.startAtUs - nowUs()) / 1000));
      }),
  );
  return Promise.all(senders).then(() => ({ sent }));
}

/** How long a flood waits for answers still due after the last send, with none coming. */
const FLOOD_SETTLE_MS = 10_000;

/** Runs a flood (see FloodRequest); resolves once every answer due has come, or none has for 10 s. */
function flood(request: FloodRequest): Promise<FloodStats> {
  const measureFrom = request.startAtUs + request.warmupMs * 1000;
  const endUs = measureFrom + request.durationMs * 1000;
  const latency = new Histogram();
  const errors: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  let answeredMeasured = 0;
  let outstanding = 0;
  let disconnects = 0;
  let lastAnswerAt = Date.now();
  const flooders = request.clients
    .map((index) => held[index])
    .filter((entry): entry is Held & { client: LoadClient } => entry?.client !== undefined);
  return new Promise((resolve) => {
    let seq = 0;
    const sendOne = (entry: Held & { client: LoadClient }) => {
      const now = nowUs();
      const id = now >= measureFrom ? request.id : request.warmupId;
      entry.client.say(encodeText(now, id, 0, seq++, request.size));
      sent++;
      outstanding++;
    };
    const finish = () => {
      clearInterval(watch);
      for (const entry of flooders) floodHooks.delete(entry.plan.name);
      resolve({
        sent,
        answered,
        answeredMeasured,
        errors,
        unanswered: outstanding,
        latency: latency.toJSON(),
        disconnects,
      });
    };
    // Done once nothing is due after the end, or nothing has come for a while.
    const watch = setInterval(() => {
      if (nowUs() < endUs) return;
      if (outstanding === 0 || Date.now() - lastAnswerAt > FLOOD_SETTLE_MS) finish();
    }, 20);
    for (const entry of flooders) {
      const settle = () => {
        outstanding--;
        lastAnswerAt = Date.now();
        if (nowUs() < endUs) sendOne(entry);
      };
      floodHooks.set(entry.plan.name, {
        answered: (text) => {
          const now = nowUs();
          const stamp = stampOf(text);
          answered++;
          if (now >= measureFrom && now < endUs) {
            answeredMeasured++;
            if (stamp !== undefined && stamp.run === request.id)
              latency.record(now - stamp.sentAtUs);
          }
          settle();
        },
        refused: (code) => {
          // A client that lost its connection sends no more; what it had out stays unanswered.
          if (code === 'DISCONNECTED') {
            disconnects++;
            return;
          }
          errors[code] = (errors[code] ?? 0) + 1;
          settle();
        },
      });
    }
    setTimeout(
      () => {
        for (const entry of flooders) for (let i = 0; i < request.window; i++) sendOne(entry);
      },
      Math.max(0, (request.startAtUs - nowUs()) / 1000),
    );
  });
}

function stats(): WorkerStats {
  return {
    sentByRoom: counters.sentByRoom,
    receivedByRoom: counters.receivedByRoom,
    echoes: counters.echoes,
    stale: counters.stale,
    latency: counters.latency.toJSON(),
    sendLag: counters.sendLag.toJSON(),
    lastDeliveryUs: counters.lastDeliveryUs,
    errors: counters.errors,
    disconnects: counters.disconnects,
    open: held.filter((entry) => entry.client !== undefined).length - dropped,
  };
}

serveParent(
  {
    connect: connectAll,
    /** Frames received so far, to tell when the server has gone quiet. */
    frames: () => frames,
    /** Called at both ends of a measured window: CPU so far, loop delay since the last call. */
    window: windowSample,
    run,
    flood,
    stats,
    startProfile,
    stopProfile,
    close: () => {
      for (const entry of held) entry.client?.close();
      held.length = 0;
    },
  },
  { pid: process.pid, node: process.version } satisfies ChildReady,
);
