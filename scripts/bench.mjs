#!/usr/bin/env node
// `pnpm bench <name> [flags]` runs the benchmark packages/<dir>/bench/<name>.bench.ts (in
// whichever package has it: otp.bench.ts is in packages/otp, chat.bench.ts in
// packages/chat-bench) from its TypeScript sources, with the garbage collector exposed (memory
// figures need it). `pnpm bench:otp` is `pnpm bench otp`, `pnpm bench:chat` is `pnpm bench chat`.
// Flags after the name go to the benchmark.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);

/** Every bench: its name and the package directory that holds it. */
function benches() {
  return readdirSync(join(root, 'packages')).flatMap((dir) => {
    const benchDir = join(root, 'packages', dir, 'bench');
    if (!existsSync(benchDir)) return [];
    return readdirSync(benchDir)
      .filter((file) => file.endsWith('.bench.ts'))
      .map((file) => ({
        name: file.slice(0, -'.bench.ts'.length),
        dir: join(root, 'packages', dir),
      }));
  });
}

function available() {
  return benches().map((bench) => bench.name);
}

if (!name || name.startsWith('-')) {
  console.error(`usage: pnpm bench <name> [flags]; benches: ${available().join(', ')}`);
  process.exit(2);
}
const found = benches().find((bench) => bench.name === name);
if (found === undefined) {
  const wanted = relative(root, join(root, 'packages', '*', 'bench', `${name}.bench.ts`));
  console.error(`no bench named '${name}' (${wanted}); benches: ${available().join(', ')}`);
  process.exit(2);
}
const dir = found.dir;
const entry = join(dir, 'bench', `${name}.bench.ts`);
const nodeArgs = ['--expose-gc', '--conditions=source', '--import', 'tsx', entry, ...args];
const { status, error } = spawnSync(process.execPath, nodeArgs, { cwd: dir, stdio: 'inherit' });
if (error) {
  console.error(`could not run the bench: ${error.message}`);
  process.exit(1);
}
process.exit(status ?? 1);
