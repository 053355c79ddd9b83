/**
 * What a V8 CPU profile (node --cpu-prof) says, in a few lines: where the server's time went
 * by part of the program (the runtime, the step, ws, JSON, socket writes, Node's internals,
 * the garbage collector), and the functions that took the most time themselves; each as a
 * share of the samples and, given the deliveries made meanwhile, in microseconds per delivery.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** Microseconds since the sample before, one per sample. */
  readonly timeDeltas?: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  /** Share of all samples, 0..1. */
  readonly share: number;
  /** Sampled time per delivery, in microseconds (null when no delivery count was given). */
  readonly usPerDelivery: number | null;
}

export interface ProfileSummary {
  readonly file: string;
  readonly seconds: number;
  /** Deliveries made while the profile ran (null: not a load run). */
  readonly deliveries: number | null;
  /** Time the thread was busy (every sample but idle) per delivery, in microseconds. */
  readonly busyUsPerDelivery: number | null;
  /** Time by part of the program, largest first. */
  readonly parts: ProfileEntry[];
  /** Functions by their own (self) time, largest first. */
  readonly functions: ProfileEntry[];
}

/**
 * Node's stream bindings that write to a socket: the time in them is the write system call
 * (the profiler charges a thread blocked in the kernel to the function that called in).
 */
const SOCKET_WRITES = new Set([
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
  'writeUcs2String',
]);

/** Which part of the program a function belongs to, from its script's URL. */
export function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 and native code';
    if (functionName === 'stringify' || functionName === 'parse') return 'JSON';
    if (SOCKET_WRITES.has(functionName)) return 'socket writes (syscalls)';
    return 'native';
  }
  if (url.includes('/packages/otp/')) return 'otp runtime';
  if (url.includes('/packages/net/')) return 'net helpers';
  if (/\/steps\/\d\d-[^/]+\//.test(url)) return url.match(/\/steps\/(\d\d-[^/]+)\//)![1]!;
  const pkg = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/packages/chat-bench/')) return 'benchmark peer';
  const workspace = url.match(/\/packages\/([^/]+)\//);
  if (workspace) return `packages/${workspace[1]}`;
  return 'other';
}

/**
 * Sums a profile up; `deliveries`, the deliveries the server made while it ran, turns each
 * part's sampled time into microseconds per delivery.
 */
export function summarizeProfile(
  file: string,
  deliveries: number | null = null,
  top = 12,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // A sample stands for the time until the next one (as DevTools counts; V8 samples about
  // every millisecond). Time is in microseconds.
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const even = (seconds * 1e6) / (profile.samples.length || 1);
  const timeOf = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas?.[i + 1] ?? even));
  });
  const total = [...timeOf.values()].reduce((a, b) => a + b, 0) || 1;
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of timeOf) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const part = partOf(url, functionName);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const where =
      url === '' ? '' : ` ${shortUrl(url)}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}`;
    const name = `${functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const perDelivery = (us: number) => (deliveries ? us / deliveries : null);
  const ranked = (times: Map<string, number>, limit: number) =>
    [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, share: us / total, usPerDelivery: perDelivery(us) }));
  return {
    file,
    seconds,
    deliveries,
    busyUsPerDelivery: perDelivery(total - (parts.get('idle') ?? 0)),
    parts: ranked(parts, 20),
    functions: ranked(functions, top),
  };
}

/** A script's URL without the machine's paths: `ws/lib/sender.js`, `packages/otp/src/mailbox.ts`. */
function shortUrl(url: string): string {
  const inModules = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/);
  if (inModules) return inModules[1]!;
  const inRepo = url.match(/\/((?:packages|steps)\/.*)$/);
  return inRepo ? inRepo[1]! : url.replace(/^file:\/\//, '');
}

export function formatProfile(summary: ProfileSummary, whose: string): string {
  const line = (entry: ProfileEntry) =>
    `    ${`${(entry.share * 100).toFixed(1)}%`.padStart(6)}` +
    (entry.usPerDelivery === null ? '' : `${entry.usPerDelivery.toFixed(2).padStart(8)} µs`) +
    `  ${entry.name}`;
  const busy =
    summary.busyUsPerDelivery === null
      ? ''
      : `; busy ${summary.busyUsPerDelivery.toFixed(1)} µs per delivery (${summary.deliveries} deliveries)`;
  return [
    `  ${whose}'s profile ${summary.file} (${summary.seconds.toFixed(1)} s${busy})`,
    `  by part (share of samples${summary.deliveries === null ? '' : ', µs per delivery'}):`,
    ...summary.parts.map(line),
    '  top functions (self time):',
    ...summary.functions.map(line),
  ].join('\n');
}
