/**
 * `pnpm bench unicode-safety`: what the name checks cost, beside a baseline measured in the
 * same run.
 *
 *   pnpm bench unicode-safety              7 cold starts per side, 200k names per rate
 *   pnpm bench unicode-safety --quick      2 cold starts, 20k names: checks that it still runs
 *   pnpm bench unicode-safety --node 24    the same under Node 24
 *
 * - table cold decode: the first decode of the confusables table in a fresh process (median
 *   of the runs), against JSON.parse plus a Map of the same 6,565 mappings, the obvious other
 *   way to ship them;
 * - table memory: the bytes of the decoded table (counted: typed arrays and text), against the
 *   heap and array buffers that Map holds (measured, with the collector exposed);
 * - nameKey, nameProblem: names a second, against the steps' present rules (NFC plus
 *   toLowerCase; length, space, control and slash checks), which know nothing of look-alikes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LENGTHS, PROTOTYPES, SOURCES } from '../src/confusables_table.ts';
import {
  CONFUSABLES_COUNT,
  CONFUSABLES_VERSION,
  confusableTable,
  decodeTable,
  nameKey,
  nameProblem,
} from '../src/index.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const coldRuns = values.quick ? 2 : 7;
const names = values.quick ? 20_000 : 200_000;
const here = dirname(fileURLToPath(import.meta.url));

const SAMPLE_NAMES = [
  'alice',
  'Bob_42',
  'jean-luc.picard',
  'Zoë',
  'Дмитрий',
  '李小龍',
  '\u0430lice',
  'ALICE',
  'ali\u200bce',
  '[lobby]',
];

/** The steps' rules today (steps/06-websocket-chat/src/chat_names.ts), as the baseline. */
function presentNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty';
  if ([...name].length > 32) return 'too_long';
  if (/\s/u.test(name)) return 'has_space';
  if (/\p{Cc}/u.test(name)) return 'has_control';
  if (name.startsWith('/')) return 'starts_with_slash';
  return undefined;
}
function presentNameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function coldStart(mode: string, jsonPath: string): number {
  const child = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, 'cold_load.ts'), mode, jsonPath],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`cold_load ${mode} failed: ${child.stderr}`);
  return Number(child.stdout.trim());
}

function perSecond(run: (name: string) => unknown): number {
  for (let i = 0; i < 2_000; i++) run(SAMPLE_NAMES[i % SAMPLE_NAMES.length]!); // warm up
  const start = performance.now();
  for (let i = 0; i < names; i++) run(SAMPLE_NAMES[i % SAMPLE_NAMES.length]!);
  return names / ((performance.now() - start) / 1000);
}

function retained(build: () => unknown): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  const before = process.memoryUsage();
  const kept = build();
  gc();
  const after = process.memoryUsage();
  if (kept === undefined) throw new Error('nothing built');
  return after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
}

const table = confusableTable();
const mappings: [number, string][] = [];
for (let i = 0; i < table.sources.length; i++) {
  mappings.push([table.sources[i]!, table.text.slice(table.starts[i]!, table.starts[i + 1]!)]);
}
const dir = mkdtempSync(join(tmpdir(), 'unicode-safety-bench-'));
const jsonPath = join(dir, 'confusables.json');
const json = JSON.stringify(mappings);
writeFileSync(jsonPath, json);

const rows: [string, string, string, string][] = [];
try {
  const tableMs: number[] = [];
  const jsonMs: number[] = [];
  for (let run = 0; run < coldRuns; run++) {
    tableMs.push(coldStart('table', jsonPath));
    jsonMs.push(coldStart('json-map', jsonPath));
  }
  const decodeMs = median(tableMs);
  const mapMs = median(jsonMs);
  rows.push([
    'table cold decode (ms)',
    decodeMs.toFixed(2),
    mapMs.toFixed(2),
    ratio(decodeMs, mapMs),
  ]);

  // The table's size is known exactly: its two typed arrays and its text (two bytes a unit).
  // Measuring it like the Map gives figures that vary with the Node version (V8 may keep small
  // typed arrays on the heap), so it is counted instead; the Map's can only be measured.
  const decoded = decodeTable(SOURCES, LENGTHS, PROTOTYPES);
  const tableBytes =
    decoded.sources.byteLength + decoded.starts.byteLength + decoded.text.length * 2;
  const mapBytes = retained(() => new Map(JSON.parse(json) as [number, string][]));
  rows.push(['table memory (KB)', kb(tableBytes), kb(mapBytes), ratio(tableBytes, mapBytes)]);

  const keyRate = perSecond(nameKey);
  const presentKeyRate = perSecond(presentNameKey);
  rows.push([
    'nameKey (names/s)',
    rate(keyRate),
    rate(presentKeyRate),
    ratio(keyRate, presentKeyRate),
  ]);
  const problemRate = perSecond(nameProblem);
  const presentProblemRate = perSecond(presentNameProblem);
  rows.push([
    'nameProblem (names/s)',
    rate(problemRate),
    rate(presentProblemRate),
    ratio(problemRate, presentProblemRate),
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `unicode-safety on Node ${process.version} (Unicode ${process.versions.unicode}), ` +
    `confusables ${CONFUSABLES_VERSION}: ${CONFUSABLES_COUNT} mappings, JSON of them ` +
    `${kb(json.length)} KB; ${coldRuns} cold starts a side, ${names} names a rate`,
);
const header: [string, string, string, string] = ['figure', 'this package', 'baseline', 'ratio'];
const widths = header.map((_, column) =>
  Math.max(...[header, ...rows].map((row) => row[column]!.length)),
);
for (const row of [header, ...rows]) {
  console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
}
console.log(
  "baselines: JSON.parse + Map of the same mappings (cold decode, memory); the steps' present " +
    'nameKey and nameProblem, which catch no look-alike (rates)',
);

function ratio(value: number, baseline: number): string {
  return Number.isFinite(value / baseline) ? `${(value / baseline).toFixed(2)}x` : 'n/a';
}
function kb(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : 'n/a (run with --expose-gc)';
}
function rate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en')}`;
}
