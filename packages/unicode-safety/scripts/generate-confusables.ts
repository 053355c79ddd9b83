/**
 * Regenerates src/confusables_table.ts from Unicode's confusables.txt (UTS #39 data).
 *
 *   pnpm --filter @otp-chat/unicode-safety generate <path/to/confusables.txt>
 *     [--any-version] [--out <file>]   (default: src/confusables_table.ts)
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
import { parseArgs } from 'node:util';
import { type ConfusablesData, parseConfusables, renderTable } from './confusables_format.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: generate-confusables <confusables.txt> [--any-version] [--out <file>]';

function main(argv: string[]): number {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const path = args.positionals[0];
  if (path === undefined || args.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const anyVersion = args.values['any-version'];
  const output = args.values.out ?? join(packageDir, 'src', 'confusables_table.ts');
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

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'any-version': { type: 'boolean', default: false }, out: { type: 'string' } },
  });
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

process.exitCode = main(process.argv.slice(2));
