import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { headersTree } from '../../../../scripts/native-addons.mjs';

// The newcomer's machine: a fresh clone of the repository's HEAD, and a shell environment in
// which Node and npm are the only JavaScript tools. The system's other commands (sh, git, sed,
// nc, ...) stay, as on any machine, but no pnpm, no corepack and no yarn: this machine has
// pnpm installed globally, and a check run with it on the PATH would prove nothing.

export interface Sandbox {
  /** The clone: the directory the newcomer works in. */
  root: string;
  /** The environment of a fresh shell on the newcomer's machine. */
  env: NodeJS.ProcessEnv;
  /** The commit cloned. */
  commit: string;
  remove(): void;
}

/** Package managers and version managers that are not npm: absent on the newcomer's PATH. */
const NOT_THERE = new Set(['pnpm', 'pnpx', 'corepack', 'yarn', 'yarnpkg', 'bun', 'bunx']);

export function makeSandbox(repository: string): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'otp-chat-newcomer-'));
  const root = join(home, 'otp-chat');
  execFileSync('git', ['clone', '--quiet', repository, root]);
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  const bin = join(home, 'bin');
  mkdirSync(bin);
  linkSystemCommands(bin);
  const env: NodeJS.ProcessEnv = {
    // The user's own home, for npm's cache and pnpm's store: what makes the install quick, and
    // what a newcomer who has used npm before has too.
    HOME: process.env.HOME,
    PATH: bin,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    ...machineBuildSettings(),
  };
  return {
    root,
    env,
    commit,
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

/**
 * What this machine's own installs use to compile native addons, which the newcomer's machine
 * has the same way: a fact of the machine, not something a newcomer types. It reaches the npm
 * registry but not nodejs.org or GitHub, so better-sqlite3 can download neither its prebuilt
 * binary nor, for node-gyp, the headers of the node it compiles for. .ci/run fetches each Node's
 * headers from the npm registry (scripts/native-addons.mjs); when the running node has its tree
 * here, the newcomer's first install compiles against it (npm_config_nodedir). Without it, under
 * Node 24, node-gyp would take the nodedir of ~/.npmrc, Node 20's headers, and build an addon
 * Node 24 refuses. A real newcomer with internet gets the prebuilt binary and compiles nothing.
 */
function machineBuildSettings(): NodeJS.ProcessEnv {
  const nodedir = headersTree();
  return nodedir === undefined ? {} : { npm_config_nodedir: nodedir };
}

// Every command of the system's PATH, as symlinks in one directory, minus the package managers
// that are not npm. `node` is the one running this check (Node 20 or 24, whichever was asked
// for). Directories inside a node_modules (the ones a package manager's script runner adds) are
// not the system's and are left out.
function linkSystemCommands(bin: string): void {
  symlinkSync(process.execPath, join(bin, 'node'));
  const dirs = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.includes('node_modules') && existsSync(dir));
  for (const dir of new Set(dirs)) {
    for (const name of readdirSync(dir)) {
      const target = join(dir, name);
      if (NOT_THERE.has(name) || existsSync(join(bin, name)) || !isExecutableFile(target)) continue;
      symlinkSync(target, join(bin, name));
    }
  }
  if (!existsSync(join(bin, 'npm')) || !existsSync(join(bin, 'npx'))) {
    throw new Error('npm and npx must be on the PATH: the newcomer has them, with Node');
  }
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(realpathSync(path));
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false; // a broken symlink
  }
}
