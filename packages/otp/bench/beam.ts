/**
 * The BEAM column: runs beam.escript (the same workloads in Erlang, on one scheduler) when
 * Erlang is installed, and reads its figures. Without Erlang it says how to install it, and
 * the bench carries on with the Node figures alone.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const escriptFile = join(dirname(fileURLToPath(import.meta.url)), 'beam.escript');

export const installHint =
  'apt-get install -y erlang-base elixir (Debian/Ubuntu; elixir brings the Registry the ' +
  'dispatch figure is compared with; without it the BEAM side uses pg)';

/** What beam.escript prints, plus the emulator flags it ran with. */
export interface BeamReport {
  readonly available: true;
  readonly otp: string;
  readonly erts: string;
  readonly emulator: string;
  readonly schedulers: number;
  /** The emulator flags, from the escript's `%%!` line. */
  readonly flags: string;
  /** What the Registry.dispatch figure is compared with. */
  readonly registry: string;
  /** By figure key (one-way, ping-pong, call, cast, spawn, idle, dispatch). */
  readonly figures: Readonly<Record<string, number>>;
}

export interface BeamMissing {
  readonly available: false;
  readonly reason: string;
}

export interface BeamOptions {
  readonly keys: readonly string[];
  readonly runs: number;
  readonly warmups: number;
  readonly clock: 'wall' | 'cpu';
  /** Workload sizes by flag name (messages, batch, calls, ...), the same the Node side used. */
  readonly sizes: Readonly<Record<string, number>>;
}

/** `escript` on PATH, or null. */
export function findEscript(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'escript');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/** The escript's emulator flags: its `%%!` line. */
export function escriptFlags(): string {
  const line = readFileSync(escriptFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('%%!'));
  return line === undefined ? '' : line.slice(3).trim();
}

export async function measureBeam(options: BeamOptions): Promise<BeamReport | BeamMissing> {
  const escript = findEscript();
  if (escript === null) {
    return { available: false, reason: 'Erlang is not installed (no escript on PATH)' };
  }
  const args = [
    escriptFile,
    '--runs',
    String(options.runs),
    '--warmups',
    String(options.warmups),
    '--clock',
    options.clock,
    '--only',
    options.keys.join(','),
    ...Object.entries(options.sizes).flatMap(([name, n]) => [`--${name}`, String(n)]),
  ];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(escript, args, { maxBuffer: 1 << 20 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return { available: false, reason: `beam.escript failed: ${stderr?.trim() || message}` };
  }
  try {
    const printed = JSON.parse(stdout) as Omit<BeamReport, 'available' | 'flags'>;
    return { available: true, ...printed, flags: escriptFlags() };
  } catch {
    return { available: false, reason: `beam.escript printed no JSON: ${stdout.slice(0, 200)}` };
  }
}
