/**
 * Regenerates src/confusables_table.ts from Unicode's confusables.txt (UTS #39 data).
 *
 *   pnpm --filter @otp-chat/unicode-safety generate <path/to/confusables.txt>
 *
 * The data file is not kept in the repository (745 KB); the table is. Get the file from
 * https://www.unicode.org/Public/security/<version>/confusables.txt for the Unicode version of
 * Node's ICU (`node -p process.versions.unicode`); the script refuses a file of another version
 * unless `--any-version` is given. The SHA-256 of the file goes into the table, so anyone can
 * check that the table came from the file Unicode publishes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConfusablesData, parseConfusables, renderTable } from './confusables_format.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(packageDir, 'src', 'confusables_table.ts');

function main(argv: readonly string[]): number {
  const anyVersion = argv.includes('--any-version');
  const path = argv.find((arg) => !arg.startsWith('--'));
  if (path === undefined) {
    console.error('usage: generate-confusables <path/to/confusables.txt> [--any-version]');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    console.error(`cannot read ${path}: ${(error as Error).message}`);
    return 1;
  }
  let data: ConfusablesData;
  try {
    data = parseConfusables(bytes.toString('utf8'));
  } catch (error) {
    console.error(`${path}: ${(error as Error).message}`);
    return 1;
  }
  const nodeUnicode = process.versions.unicode ?? 'unknown';
  if (!anyVersion && majorMinor(data.version) !== majorMinor(nodeUnicode)) {
    console.error(
      `${path} is version ${data.version}, Node's ICU is Unicode ${nodeUnicode}: ` +
        'use the file of the same version, or pass --any-version',
    );
    return 1;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(output, renderTable(data, sha256));
  console.log(
    `wrote ${output}: ${data.entries.length} mappings from confusables.txt ${data.version} ` +
      `(${data.date}), sha256 ${sha256}`,
  );
  return 0;
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

process.exitCode = main(process.argv.slice(2));
