#!/usr/bin/env node
// `pnpm bench <name> [flags]` runs the benchmark packages/<dir>/bench/<name>.bench.ts (in
// whichever package has it: otp.bench.ts is in packages/otp, chat.bench.ts in
// packages/chat-bench) from its TypeScript sources, with the garbage collector exposed (memory
// figures need it). `pnpm bench:otp` is `pnpm bench otp`, `pnpm bench:chat` is `pnpm bench chat`.
// Flags after the name go to the benchmark, except `--node <version>`: `pnpm bench otp --node 24`
// runs the bench under Node 24 (22, 20, 24.21.0, or a path to a node binary), fetched with
// `npx -y node@24` when it is not the node running this script (see node-binary.mjs). The
// bench is started with that binary, so its process.execPath is that node, and a bench that
// starts node children with process.execPath (the chat bench's servers and load workers) runs
// them under the same version. Every bench prints the version it ran on.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);

/** The bench's own flags, and the node to run it with (`--node <v>` or `--node=<v>`). */
function splitNodeFlag(flags) {
  const args = [];
  let version = null;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (flag === '--node') {
      version = flags[++i];
      if (version === undefined || version.startsWith('-')) {
        console.error('--node needs a version (24, 22, 20) or the path of a node binary');
        process.exit(2);
      }
    } else if (flag.startsWith('--node=')) version = flag.slice('--node='.length);
    else args.push(flag);
  }
  return { args, version };
}
const { args, version } = splitNodeFlag(rest);

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
// The bench runs its TypeScript as the servers run theirs (`pnpm start`): with the servers'
// loader, not tsx, whose keepNames costs every named closure a property of its own
// (packages/server/loader/hooks.mjs).
const loader = join(root, 'packages', 'server', 'loader', 'register.mjs');
const nodeArgs = ['--expose-gc', '--conditions=source', '--import', loader, entry, ...args];
let node = process.execPath;
if (version !== null) {
  try {
    node = nodeBinary(version);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
const { status, error } = spawnSync(node, nodeArgs, { cwd: dir, stdio: 'inherit' });
if (error) {
  console.error(`could not run the bench: ${error.message}`);
  process.exit(1);
}
process.exit(status ?? 1);
