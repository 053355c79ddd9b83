/**
 * One cold start, for unicode-safety.bench.ts: run in a fresh process, it times the first
 * decode of the confusables table (`table`) or, as the baseline, JSON.parse and a Map of the
 * same mappings (`json-map`, the JSON file named by the third argument), and prints the time
 * in milliseconds. Reading the JSON file is not timed, as the module's strings are not.
 */
import { readFileSync } from 'node:fs';
import { LENGTHS, PROTOTYPES, SOURCES } from '../src/confusables_table.ts';
import { decodeTable } from '../src/skeleton.ts';

const [mode, jsonPath] = process.argv.slice(2);
if (mode === 'table') {
  const start = performance.now();
  decodeTable(SOURCES, LENGTHS, PROTOTYPES);
  console.log(performance.now() - start);
} else if (mode === 'json-map' && jsonPath !== undefined) {
  const json = readFileSync(jsonPath, 'utf8');
  const start = performance.now();
  const map = new Map<number, string>(JSON.parse(json) as [number, string][]);
  if (map.size === 0) throw new Error('empty');
  console.log(performance.now() - start);
} else {
  console.error('usage: cold_load.ts table | json-map <file.json>');
  process.exitCode = 2;
}
