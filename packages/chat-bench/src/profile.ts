/**
 * What a V8 CPU profile (node --cpu-prof) says, in a few lines: where the server's time went
 * by part of the program (the runtime, the step, ws, Node's internals, the garbage collector),
 * and the functions that took the most time themselves.
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
}

export interface ProfileEntry {
  readonly name: string;
  /** Share of all samples, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly seconds: number;
  /** Time by part of the program, largest first. */
  readonly parts: ProfileEntry[];
  /** Functions by their own (self) time, largest first. */
  readonly functions: ProfileEntry[];
}

/** Which part of the program a function belongs to, from its script's URL. */
export function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 and native code';
    return 'native';
  }
  if (url.includes('/packages/otp/')) return 'otp runtime';
  if (url.includes('/packages/net/')) return 'net helpers';
  if (/\/steps\/\d\d-[^/]+\//.test(url)) return url.match(/\/steps\/(\d\d-[^/]+)\//)![1]!;
  const pkg = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/packages/chat-bench/')) return 'benchmark peer';
  return 'other';
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, count] of hits) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const part = partOf(url, functionName);
    parts.set(part, (parts.get(part) ?? 0) + count);
    const where =
      url === '' ? '' : ` ${shortUrl(url)}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}`;
    const name = `${functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
  }
  const ranked = (counts: Map<string, number>, limit: number) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, count]) => ({ name, share: count / total }));
  return {
    file,
    seconds: (profile.endTime - profile.startTime) / 1e6,
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

export function formatProfile(summary: ProfileSummary): string {
  const percent = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  return [
    `  profile ${summary.file} (${summary.seconds.toFixed(1)} s)`,
    '  by part:',
    ...summary.parts.map((entry) => `    ${percent(entry.share)}  ${entry.name}`),
    '  top functions (self time):',
    ...summary.functions.map((entry) => `    ${percent(entry.share)}  ${entry.name}`),
  ].join('\n');
}
