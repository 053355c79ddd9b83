/**
 * Keeps `pnpm bench:otp` from rotting: its quick mode runs in a child process, through the same
 * root script a person types, and must write every figure. Speeds are never asserted (the
 * machine is shared); only that each figure was measured.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'otp-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const figures = [
  'send one-way',
  'send ping-pong',
  'GenServer.call',
  'GenServer.cast',
  'spawn+link+exit',
  'idle process heap',
  'Registry.dispatch',
];

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

describe('pnpm bench otp --quick', () => {
  it('prints the table and writes every figure, each measured', { timeout: 180_000 }, async () => {
    const out = join(outDir, 'otp.json');
    const script = join(root, 'scripts/bench.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script, 'otp', '--quick', '--out', out],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    expect(stdout).toMatch(/^node v\d+/m);
    for (const name of figures) expect(stdout).toContain(name);

    const written = JSON.parse(readFileSync(out, 'utf8')) as Figure[];
    expect(written.map((f) => f.name)).toEqual(figures);
    for (const figure of written) {
      expect(figure.value, figure.name).toBeGreaterThan(0);
      expect(Number.isFinite(figure.value), figure.name).toBe(true);
      expect(figure.unit, figure.name).not.toBe('');
      // Every figure here has a bare-loop counterpart, so a ratio.
      expect(figure.baseline, figure.name).toBeGreaterThan(0);
      expect(figure.ratio, figure.name).toBeCloseTo(figure.value / (figure.baseline as number));
    }
  });
});
