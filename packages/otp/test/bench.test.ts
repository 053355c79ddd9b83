/**
 * Keeps `pnpm bench:otp` from rotting: its quick mode runs in a child process, through the same
 * root script a person types, and must write every figure, the BEAM's too when Erlang is
 * installed. Speeds are never asserted (the machine is shared); only that each figure was
 * measured.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findEscript } from '../bench/beam.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = join(root, 'scripts/bench.mjs');
const outDir = mkdtempSync(join(tmpdir(), 'otp-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const figures = [
  'send one-way',
  'one-way, receiveMany',
  'one-way, receiveEach',
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
  beam: number | null;
  ratioToBeam: number | null;
}

interface Report {
  node: { version: string; execPath: string };
  beam: { available: true; otp: string; flags: string; registry: string } | { available: false };
  figures: Figure[];
}

function runBench(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return promisify(execFile)(process.execPath, [script, 'otp', '--quick', ...args], {
    cwd: root,
    env,
    maxBuffer: 1 << 20,
  });
}

const erlang = findEscript() !== null;
if (!erlang) {
  console.warn(
    'WARNING: Erlang is not installed (no escript on PATH): the BEAM side of pnpm bench:otp ' +
      'is NOT tested here. apt-get install -y erlang-base elixir',
  );
}

describe('pnpm bench otp --quick', () => {
  it('prints the table and writes every figure, each measured', { timeout: 180_000 }, async () => {
    const out = join(outDir, 'otp.json');
    const { stdout } = await runBench(['--out', out]);
    expect(stdout).toMatch(/^node v\d+/m);
    for (const name of figures) expect(stdout).toContain(name);

    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.node.version).toBe(process.version);
    expect(report.figures.map((f) => f.name)).toEqual(figures);
    for (const figure of report.figures) {
      expect(figure.value, figure.name).toBeGreaterThan(0);
      expect(Number.isFinite(figure.value), figure.name).toBe(true);
      expect(figure.unit, figure.name).not.toBe('');
      // Every figure here has a bare-loop counterpart, so a ratio.
      expect(figure.baseline, figure.name).toBeGreaterThan(0);
      expect(figure.ratio, figure.name).toBeCloseTo(figure.value / (figure.baseline as number));
    }
    // With Erlang installed (as on this project's machines), every figure has a BEAM twin.
    expect(report.beam.available).toBe(erlang);
    if (report.beam.available) {
      expect(stdout).toMatch(/^BEAM: OTP \d+ .*\+S 1:1/m);
      expect(report.beam.registry).not.toBe('');
      for (const figure of report.figures) {
        expect(figure.beam, figure.name).toBeGreaterThan(0);
        expect(figure.ratioToBeam, figure.name).toBeCloseTo(figure.value / (figure.beam as number));
      }
    }
  });

  it('--node runs it under the Node named, refuses what is not a version', {
    timeout: 120_000,
  }, async () => {
    // The running version needs no download: the flag is parsed and the bench reports its Node.
    const out = join(outDir, 'node.json');
    const { stdout } = await runBench([
      '--only',
      'idle',
      '--node',
      process.versions.node,
      '--out',
      out,
    ]);
    expect(stdout).toContain(`node ${process.version} (`);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Report).node.version).toBe(process.version);
    await expect(runBench(['--node', 'twenty'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("'twenty' is not a Node.js version"),
    });
  });

  it('without Erlang, says how to install it and still measures', {
    timeout: 180_000,
  }, async () => {
    // PATH without any directory that holds escript (node itself is started by its full path).
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !existsSync(join(dir, 'escript')))
      .join(delimiter);
    const out = join(outDir, 'no-erlang.json');
    const { stdout, stderr } = await runBench(['--only', 'call', '--out', out], {
      ...process.env,
      PATH: path,
    });
    expect(stderr).toContain('apt-get install -y erlang-base elixir');
    expect(stdout).toContain('BEAM: not measured');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.beam.available).toBe(false);
    expect(report.figures.map((f) => [f.name, f.beam])).toEqual([['GenServer.call', null]]);
    expect(report.figures[0]!.value).toBeGreaterThan(0);
  });
});
