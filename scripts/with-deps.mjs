#!/usr/bin/env node
// Runs a command once the workspace's dependencies are installed.
// The Quick start promises `npm start` and `npm test` on a machine with only Node and npm:
// this script brings in pnpm through npx on the first run, installs, then hands over.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './lib/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`otp-chat needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. pnpm@10.34.9
const installedMarker = join(root, 'node_modules', '.pnpm', 'lock.yaml');

function needsInstall() {
  if (!existsSync(installedMarker)) return true;
  return statSync(join(root, 'pnpm-lock.yaml')).mtimeMs > statSync(installedMarker).mtimeMs;
}

if (needsInstall()) {
  console.error(`Installing dependencies with ${pnpmSpec} (first run only)...`);
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  const status = await run('npx', ['--yes', pnpmSpec, 'install', ...frozen], { cwd: root });
  if (status !== 0) process.exit(status);
}

const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-deps.mjs <command> [args...]');
  process.exit(2);
}
process.exit(await run(cmd, args, { cwd: root, env }));
