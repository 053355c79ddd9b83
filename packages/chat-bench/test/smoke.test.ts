/**
 * Keeps `pnpm bench:chat` from rotting: its smoke mode (every scenario against every server,
 * with a handful of clients) runs through the root script a person types, and must write
 * every figure. It asserts what must hold at any speed: nothing lost, every client joined and
 * held, something delivered. Speeds are never asserted: the machine is shared.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Every run the smoke mode makes: scenario and server. */
const RUNS = [
  ['fanout', 'otp-chat'],
  ['fanout', 'ws'],
  ['fanout', 'socket.io'],
  ['rooms', 'otp-chat'],
  ['rooms', 'ws'],
  ['rooms', 'socket.io'],
  ['idle', 'otp-chat'],
  ['idle', 'ws'],
  ['idle', 'socket.io'],
  ['telnet', 'otp-chat'],
  ['telnet', 'net'],
];

interface Result {
  kind: 'load' | 'idle';
  scenario: string;
  server: string;
  clients: number;
  connected: number;
  failed: number;
  connectionsHeld: number;
  [figure: string]: unknown;
}

interface Report {
  machine: { cores: number; fdLimits: { soft: number | null; hard: number | null } };
  results: Result[];
  ratios: Array<{ scenario: string; pair: string; figure: string; value: number | null }>;
  targets: Array<{ target: string; met: boolean | null; measured: string }>;
}

function expectPositive(value: unknown, what: string): void {
  expect(typeof value, what).toBe('number');
  expect(Number.isFinite(value as number), what).toBe(true);
  expect(value as number, what).toBeGreaterThan(0);
}

describe('pnpm bench chat --smoke', () => {
  let report: Report;
  let stdout: string;

  it('runs every scenario against every server and writes the report', {
    timeout: 300_000,
  }, async () => {
    const out = join(outDir, 'chat.json');
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/bench.mjs'), 'chat', '--smoke', '--out', out],
      { cwd: root, maxBuffer: 1 << 22 },
    ));
    report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.results.map((r) => [r.scenario, r.server])).toEqual(RUNS);
    expect(stdout).toMatch(/^node v\d+/m);
    expect(stdout).toContain('delivered/s');
  });

  it('loses no message, and every client joins and is held by the server', () => {
    for (const result of report.results) {
      const run = `${result.scenario} ${result.server}`;
      expect(result.failed, run).toBe(0);
      expect(result.connected, run).toBe(result.clients);
      expect(result.connectionsHeld, run).toBe(result.clients);
      if (result.kind === 'load') {
        expect(result.lost, run).toBe(0);
        expect(result.duplicated, run).toBe(0);
        expect(result.disconnects, run).toBe(0);
        expect(result.delivered, run).toBe(result.expected);
      }
    }
  });

  it('measures every figure of every load run', () => {
    for (const result of report.results.filter((r) => r.kind === 'load')) {
      const run = `${result.scenario} ${result.server}`;
      for (const figure of [
        'sent',
        'expected',
        'delivered',
        'deliveredPerSecond',
        'offeredPerSecond',
        'serverCpu',
        'workerCpu',
      ]) {
        expectPositive(result[figure], `${run} ${figure}`);
      }
      const latency = result.latencyMs as Record<string, number>;
      for (const figure of ['p50', 'p99', 'max', 'mean'])
        expectPositive(latency[figure], `${run} ${figure}`);
      expect(latency.p50!, run).toBeLessThanOrEqual(latency.p99!);
      expect(latency.p99!, run).toBeLessThanOrEqual(latency.max!);
      const memory = result.memory as Record<string, number>;
      for (const figure of ['rss', 'heapUsed', 'heapTotal'])
        expectPositive(memory[figure], `${run} ${figure}`);
    }
  });

  it('measures memory before and after the idle connections', () => {
    for (const result of report.results.filter((r) => r.kind === 'idle')) {
      const run = `${result.server}`;
      for (const sample of ['before', 'after'] as const) {
        const memory = result[sample] as Record<string, number>;
        for (const figure of ['rss', 'heapUsed'])
          expectPositive(memory[figure], `${run} ${sample} ${figure}`);
      }
      const per = result.perConnection as Record<string, number>;
      for (const figure of ['rss', 'heapUsed'])
        expect(Number.isFinite(per[figure]), `${run} ${figure}`).toBe(true);
    }
  });

  it('gives otp-chat against each peer as ratios, and a verdict on every target', () => {
    const pairs = new Set(report.ratios.map((r) => `${r.scenario} ${r.pair}`));
    expect([...pairs].sort()).toEqual(
      [
        'fanout otp-chat / socket.io',
        'fanout otp-chat / ws',
        'idle otp-chat / socket.io',
        'idle otp-chat / ws',
        'rooms otp-chat / socket.io',
        'rooms otp-chat / ws',
        'telnet otp-chat / net',
      ].sort(),
    );
    const delivered = report.ratios.filter((r) => r.figure === 'delivered/s');
    for (const ratio of delivered) expectPositive(ratio.value, `${ratio.scenario} ${ratio.pair}`);
    expect(report.targets).toHaveLength(7);
    for (const verdict of report.targets)
      expect(typeof verdict.met, verdict.target).toBe('boolean');
    // No loss is a verdict that holds at any size.
    expect(report.targets.find((t) => t.target.startsWith('no message lost'))?.met).toBe(true);
  });
});
