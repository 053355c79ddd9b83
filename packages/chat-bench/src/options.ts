/**
 * The command line: which scenarios and servers, the sizes of each scenario, the capacity
 * search's steps, and the run's settings. Every size has a flag; `--smoke` makes every size
 * tiny (the test runs that).
 */
import { parseArgs } from 'node:util';
import { SERVER_NAMES, type ServerName } from './peers/peer.ts';

export const SCENARIO_KEYS = ['fanout', 'rooms', 'idle', 'telnet', 'persistence'] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

/**
 * What a load scenario measures: its fixed rate (latency and CPU per delivery below
 * saturation), its capacity (the highest rate that holds), or both, in one session.
 */
export const MODES = ['both', 'fixed', 'capacity'] as const;
export type Mode = (typeof MODES)[number];

export interface Sizes {
  /** Seconds of measured sending in each load scenario. */
  readonly duration: number;
  /** Seconds of sending before that, not measured (the JIT warms up, buffers grow). */
  readonly warmup: number;
  /**
   * Load worker processes; 0 (the default) is one per CPU the load may use. More workers than
   * CPUs only take turns on them, at some cost: one worker per CPU is the cheapest load.
   */
  readonly workers: number;
  /** Connections each worker opens at once while connecting. */
  readonly concurrency: number;
  /** Characters in each message's text. */
  readonly textSize: number;
  /** Messages a second one sending client says: under every server's flood limit (20). */
  readonly senderRate: number;
  readonly fanoutClients: number;
  readonly fanoutRate: number;
  readonly rooms: number;
  readonly roomSize: number;
  readonly roomRate: number;
  readonly idleConnections: number;
  readonly idleRoomSize: number;
  readonly telnetClients: number;
  readonly telnetRate: number;
  /** Persistence, latency: messages a second said in all, every room together. */
  readonly persistRate: number;
  /** Persistence, latency: members of each room (every one of them talks). */
  readonly persistRoomSize: number;
  /** Persistence, throughput: rooms of one client each, every one sending as fast as it is answered. */
  readonly floodRooms: number;
  /** Persistence, throughput: messages each of those clients keeps unanswered (sent, no echo yet). */
  readonly floodWindow: number;
  /** Persistence, throughput: seconds of sending before measuring. */
  readonly floodWarmup: number;
  /** Persistence, throughput: seconds measured. */
  readonly floodDuration: number;
  /** Capacity: seconds each step sends before it is measured, without a pause between. */
  readonly stepWarmup: number;
  /** Capacity: seconds each step is measured. */
  readonly stepDuration: number;
  /** Capacity: the search stops when the lowest failed rate is within this factor of the highest held. */
  readonly stepPrecision: number;
  /** Capacity: the most steps one search may take. */
  readonly maxSteps: number;
}

export const defaultSizes: Sizes = {
  duration: 10,
  warmup: 2,
  workers: 0,
  concurrency: 100,
  textSize: 64,
  senderRate: 5,
  fanoutClients: 1000,
  fanoutRate: 50,
  rooms: 100,
  roomSize: 50,
  roomRate: 10,
  idleConnections: 20_000,
  idleRoomSize: 50,
  telnetClients: 1000,
  telnetRate: 50,
  persistRate: 1000,
  persistRoomSize: 10,
  floodRooms: 50,
  floodWindow: 20,
  floodWarmup: 1,
  floodDuration: 4,
  stepWarmup: 1,
  stepDuration: 4,
  stepPrecision: 1.1,
  maxSteps: 9,
};

/** A few seconds in all: every scenario and server still runs, with a handful of clients. */
export const smokeSizes: Sizes = {
  ...defaultSizes,
  duration: 1,
  warmup: 0.3,
  workers: 1,
  concurrency: 20,
  fanoutClients: 20,
  fanoutRate: 20,
  rooms: 4,
  roomSize: 5,
  roomRate: 5,
  idleConnections: 40,
  idleRoomSize: 10,
  telnetClients: 20,
  telnetRate: 20,
  persistRate: 50,
  persistRoomSize: 5,
  floodRooms: 4,
  floodWindow: 5,
  floodWarmup: 0.2,
  floodDuration: 0.5,
  stepWarmup: 0.2,
  stepDuration: 0.5,
  stepPrecision: 1.5,
  maxSteps: 3,
};

/** Sizes that may be fractions (seconds, rates); the rest count things. */
const FRACTIONAL = new Set<keyof Sizes>([
  'duration',
  'warmup',
  'senderRate',
  'fanoutRate',
  'roomRate',
  'telnetRate',
  'persistRate',
  'floodWarmup',
  'floodDuration',
  'stepWarmup',
  'stepDuration',
  'stepPrecision',
]);

/** Flag name for each size: `fanoutClients` is `--fanout-clients`. */
function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export interface Options {
  readonly sizes: Sizes;
  readonly scenarios: readonly ScenarioKey[];
  readonly servers: readonly ServerName[];
  readonly mode: Mode;
  /** Pin the server to a CPU of its own and the load to the others (taskset). */
  readonly pin: boolean;
  readonly profile: boolean;
  readonly smoke: boolean;
  readonly out: string;
  readonly profileDir: string;
}

export const USAGE = `usage: pnpm bench:chat [flags]
  --smoke                 tiny sizes (under a minute): checks that every scenario still runs
  --scenarios a,b         some of ${SCENARIO_KEYS.join(',')} (default: all)
  --servers a,b           some of ${SERVER_NAMES.join(',')} (default: all)
  --mode m                ${MODES.join('|')}: in fanout, rooms and telnet, measure at the fixed
                          rate, search for the capacity, or both (default both)
  --no-pin                let the server and the load share every CPU (by default the server
                          runs on CPU 0 alone and the load workers on the others, via taskset)
  --profile               CPU-profile each server and its load over the run at the fixed rate
                          (.bench/profiles)
  --out <file>            where the JSON goes (default .bench/chat.json)
  sizes (defaults in parentheses):
${Object.entries(defaultSizes)
  .map(
    ([key, value]) =>
      `  --${flagOf(key)} <n>`.padEnd(26) +
      `(${key === 'workers' ? 'one per CPU of the load' : value})`,
  )
  .join('\n')}`;

export function parseOptions(
  argv: readonly string[],
  defaults: { out: string; profileDir: string },
): Options {
  const sizeFlags = Object.fromEntries(
    Object.keys(defaultSizes).map((key) => [flagOf(key), { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    options: {
      ...sizeFlags,
      smoke: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      pin: { type: 'boolean', default: true },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: defaults.out },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const sizes: Record<string, number> = { ...(values.smoke ? smokeSizes : defaultSizes) };
  for (const key of Object.keys(sizes)) {
    const given = (values as Record<string, unknown>)[flagOf(key)];
    if (given === undefined) continue;
    const n = Number(given);
    const whole = !FRACTIONAL.has(key as keyof Sizes);
    if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n))) {
      throw new RangeError(`--${flagOf(key)} needs a positive ${whole ? 'integer' : 'number'}`);
    }
    sizes[key] = n;
  }
  if (sizes.stepPrecision! <= 1) throw new RangeError('--step-precision needs a number above 1');
  const mode = values.mode as Mode;
  if (!MODES.includes(mode)) throw new RangeError(`--mode: one of ${MODES.join(', ')}`);
  return {
    sizes: sizes as unknown as Sizes,
    scenarios: listOf(values.scenarios, SCENARIO_KEYS, '--scenarios'),
    servers: listOf(values.servers, SERVER_NAMES, '--servers'),
    mode,
    pin: values.pin ?? true,
    profile: values.profile ?? false,
    smoke: values.smoke ?? false,
    out: values.out ?? defaults.out,
    profileDir: defaults.profileDir,
  };
}

function listOf<T extends string>(given: string | undefined, all: readonly T[], flag: string): T[] {
  if (given === undefined) return [...all];
  const picked = given.split(',').map((item) => item.trim());
  const unknown = picked.filter((item) => !all.includes(item as T));
  if (unknown.length > 0)
    throw new RangeError(`${flag}: unknown ${unknown.join(', ')}; known: ${all.join(', ')}`);
  return picked as T[];
}
