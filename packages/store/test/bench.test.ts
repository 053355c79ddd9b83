/**
 * Keeps `pnpm bench store` from rotting: its quick mode runs in a child process, through the
 * root script a person types, and must measure every figure on each engine it can reach (and say
 * loudly that the PostgreSQL part did not run when it cannot). Speeds are never asserted (the
 * machine is shared); only that each figure was measured, and that what was counted as stored
 * is in the table.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresProblem } from './engines.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'store-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Latency {
  samples: number;
  failed: number;
  p50: number;
  p99: number;
}

interface Report {
  node: string;
  quick: boolean;
  engines: Array<{
    engine: string;
    durability: string;
    throughput: { messages: number; failed: number; perSecond: number; batches: number };
    baseline: Latency;
    writer: Latency;
    addedP99: number;
    passes: { throughput: boolean | null; addedP99: boolean };
  }>;
  sqliteNotRun: string | null;
  postgresNotRun: string | null;
}

describe('pnpm bench store --quick', () => {
  it('measures throughput and latency on each engine, beside its baseline', {
    timeout: 120_000,
  }, async () => {
    const out = join(outDir, 'store.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/bench.mjs'), 'store', '--quick', '--out', out],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.node).toBe(process.version);
    const engines = postgresProblem === undefined ? ['sqlite', 'postgres'] : ['sqlite'];
    expect(report.engines.map((e) => e.engine)).toEqual(engines);
    expect(report.sqliteNotRun).toBeNull();
    if (postgresProblem === undefined) expect(report.postgresNotRun).toBeNull();
    else expect(stdout).toContain('PostgreSQL part NOT RUN');
    for (const e of report.engines) {
      expect(e.throughput.messages, e.engine).toBeGreaterThan(0);
      expect(e.throughput.failed, e.engine).toBe(0);
      expect(e.throughput.batches, e.engine).toBeGreaterThan(0);
      // Group commit: fewer transactions than messages.
      expect(e.throughput.batches, e.engine).toBeLessThan(e.throughput.messages);
      for (const l of [e.baseline, e.writer]) {
        expect(l.samples, e.engine).toBeGreaterThan(0);
        expect(l.failed, e.engine).toBe(0);
        expect(l.p99, e.engine).toBeGreaterThanOrEqual(l.p50);
      }
      expect(e.addedP99).toBeCloseTo(e.writer.p99 - e.baseline.p99);
      expect(stdout).toMatch(/target < 10 ms: (PASS|MISS)/);
    }
    expect(stdout).toMatch(/target < 10 ms: (PASS|MISS)/);
    expect(report.engines[0]!.durability).toContain('journal_mode=wal, synchronous=NORMAL');
    expect(report.engines[0]!.passes.throughput).not.toBeNull();
    expect(stdout).toMatch(/target >= 20,000\/s: (PASS|MISS)/);
    if (postgresProblem === undefined) {
      expect(report.engines[1]!.durability).toContain('synchronous_commit=on');
    }
  });
});
