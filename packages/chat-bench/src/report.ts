/**
 * The figures as tables for a person, and as ratios and target verdicts for both the person
 * and the JSON file.
 */
import type { IdleResult, LoadResult, RunResult } from './runner.ts';

/** otp-chat's figure divided by a peer's, in one scenario. */
export interface Ratio {
  readonly scenario: string;
  /** e.g. `otp-chat / ws`. */
  readonly pair: string;
  readonly figure: string;
  readonly value: number | null;
}

export interface TargetVerdict {
  readonly target: string;
  /** null: the runs it needs were not part of this run. */
  readonly met: boolean | null;
  readonly measured: string;
}

const SUBJECT = 'otp-chat';

function find<T extends RunResult>(
  results: readonly RunResult[],
  scenario: string,
  server: string,
): T | undefined {
  return results.find((r) => r.scenario === scenario && r.server === server) as T | undefined;
}

function divide(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

/** Load figures and how to read them off a result. */
const LOAD_FIGURES: ReadonlyArray<readonly [string, (r: LoadResult) => number]> = [
  ['delivered/s', (r) => r.deliveredPerSecond],
  ['p99 latency', (r) => r.latencyMs.p99],
  ['server CPU', (r) => r.serverCpu],
  ['server CPU per delivery', (r) => r.serverCpuPerDeliveryUs],
  ['server RSS', (r) => r.memory.rss],
];
const IDLE_FIGURES: ReadonlyArray<readonly [string, (r: IdleResult) => number]> = [
  ['RSS per connection', (r) => r.perConnection.rss],
  ['heap per connection', (r) => r.perConnection.heapUsed],
];

export function ratios(results: readonly RunResult[]): Ratio[] {
  const out: Ratio[] = [];
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  for (const scenario of scenarios) {
    const subject = find(results, scenario, SUBJECT);
    if (subject === undefined) continue;
    const peers = results.filter((r) => r.scenario === scenario && r.server !== SUBJECT);
    for (const peer of peers) {
      const pair = `${SUBJECT} / ${peer.server}`;
      if (subject.kind === 'load' && peer.kind === 'load') {
        for (const [figure, read] of LOAD_FIGURES) {
          out.push({ scenario, pair, figure, value: divide(read(subject), read(peer)) });
        }
      } else if (subject.kind === 'idle' && peer.kind === 'idle') {
        for (const [figure, read] of IDLE_FIGURES) {
          out.push({ scenario, pair, figure, value: divide(read(subject), read(peer)) });
        }
      }
    }
  }
  return out;
}

export function targets(results: readonly RunResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const scenario of ['fanout', 'rooms']) {
    const otp = find<LoadResult>(results, scenario, SUBJECT);
    for (const [peer, factor] of [
      ['ws', 0.8],
      ['socket.io', 2],
    ] as const) {
      const other = find<LoadResult>(results, scenario, peer);
      const ratio = divide(otp?.deliveredPerSecond, other?.deliveredPerSecond);
      // Deliveries per CPU-second: what each server could reach with a core to itself.
      const perCpu = divide(other?.serverCpuPerDeliveryUs, otp?.serverCpuPerDeliveryUs);
      verdicts.push({
        target: `${scenario}: delivered/s >= ${factor} x ${peer}`,
        met: ratio === null ? null : ratio >= factor,
        measured:
          ratio === null
            ? 'not run'
            : `${ratio.toFixed(2)} x (${rate(otp!.deliveredPerSecond)} vs ${rate(other!.deliveredPerSecond)}/s);` +
              ` per server CPU-second ${perCpu === null ? '-' : perCpu.toFixed(2)} x`,
      });
    }
  }
  const fanout = find<LoadResult>(results, 'fanout', SUBJECT);
  verdicts.push({
    target: 'fanout: p99 latency < 100 ms',
    met: fanout === undefined ? null : fanout.latencyMs.p99 < 100,
    measured: fanout === undefined ? 'not run' : `${fanout.latencyMs.p99.toFixed(1)} ms`,
  });
  const loads = results.filter((r): r is LoadResult => r.kind === 'load');
  const lost = loads.reduce((sum, r) => sum + r.lost, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  verdicts.push({
    target: 'no message lost, in any scenario, by any server',
    met: loads.length === 0 ? null : lost === 0,
    measured:
      `${lost} lost in ${loads.length} runs` +
      (failed > 0 ? ` (and ${failed} connections that never joined)` : ''),
  });
  const idle = find<IdleResult>(results, 'idle', SUBJECT);
  verdicts.push({
    target: 'idle: server memory (RSS) per connection < 20 KB',
    met: idle === undefined ? null : idle.perConnection.rss < 20 * 1024,
    measured:
      idle === undefined
        ? 'not run'
        : `${kb(idle.perConnection.rss)} RSS, ${kb(idle.perConnection.heapUsed)} heap, per connection (${idle.connectionsHeld} held)`,
  });
  return verdicts;
}

export function rate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function ms(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

export function loadTable(results: readonly LoadResult[]): string {
  return table([
    [
      'scenario',
      'server',
      'clients',
      'held',
      'delivered/s',
      'offered/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'lost',
      'server CPU',
      'CPU µs/msg (kernel)',
      'load CPU',
      'RSS',
      'heap',
    ],
    ...results.map((r) => [
      r.scenario,
      r.server,
      `${r.connected}${r.failed > 0 ? ` (${r.failed} failed)` : ''}`,
      String(r.connectionsHeld),
      rate(r.deliveredPerSecond),
      rate(r.offeredPerSecond),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      ms(r.latencyMs.max),
      String(r.lost),
      `${(r.serverCpu * 100).toFixed(0)}%`,
      `${r.serverCpuPerDeliveryUs.toFixed(1)} (${r.serverSystemPerDeliveryUs.toFixed(1)})`,
      `${(r.workerCpu * 100).toFixed(0)}%`,
      mb(r.memory.rss),
      mb(r.memory.heapUsed),
    ]),
  ]);
}

export function idleTable(results: readonly IdleResult[]): string {
  return table([
    ['server', 'connections', 'held', 'connect s', 'RSS/conn', 'heap/conn', 'RSS', 'heap'],
    ...results.map((r) => [
      r.server,
      `${r.connected}${r.failed > 0 ? ` (${r.failed} failed)` : ''}`,
      String(r.connectionsHeld),
      r.connectSeconds.toFixed(1),
      kb(r.perConnection.rss),
      kb(r.perConnection.heapUsed),
      mb(r.after.rss),
      mb(r.after.heapUsed),
    ]),
  ]);
}

export function ratioTable(list: readonly Ratio[]): string {
  return table([
    ['scenario', 'ratio', 'figure', 'value'],
    ...list.map((r) => [
      r.scenario,
      r.pair,
      r.figure,
      r.value === null ? '-' : `${r.value.toFixed(2)} x`,
    ]),
  ]);
}

export function targetTable(verdicts: readonly TargetVerdict[]): string {
  return table([
    ['target', 'verdict', 'measured'],
    ...verdicts.map((v) => [
      v.target,
      v.met === null ? 'not run' : v.met ? 'met' : 'NOT MET',
      v.measured,
    ]),
  ]);
}
