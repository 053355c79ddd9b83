#!/usr/bin/env node
// `pnpm bench <name> [flags]` runs the benchmark packages/<name>/bench/<name>.bench.ts from its
// TypeScript sources, with the garbage collector exposed (memory figures need it).
// `pnpm bench:otp` is `pnpm bench otp`. Flags after the name go to the benchmark.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);

function available() {
  return readdirSync(join(root, 'packages')).filter((dir) =>
    existsSync(join(root, 'packages', dir, 'bench', `${dir}.bench.ts`)),
  );
}

if (!name || name.startsWith('-')) {
  console.error(`usage: pnpm bench <name> [flags]; benches: ${available().join(', ')}`);
  process.exit(2);
}
const dir = join(root, 'packages', name);
const entry = join(dir, 'bench', `${name}.bench.ts`);
if (!existsSync(entry)) {
  console.error(
    `no bench named '${name}' (${relative(root, entry)}); benches: ${available().join(', ')}`,
  );
  process.exit(2);
}
const nodeArgs = ['--expose-gc', '--conditions=source', '--import', 'tsx', entry, ...args];
const { status, error } = spawnSync(process.execPath, nodeArgs, { cwd: dir, stdio: 'inherit' });
if (error) {
  console.error(`could not run the bench: ${error.message}`);
  process.exit(1);
}
process.exit(status ?? 1);
