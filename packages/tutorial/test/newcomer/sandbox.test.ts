import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { headersTree, headersVersion } from '../../../../scripts/native-addons.mjs';
import { withoutScriptBanner } from '../../src/newcomer/processes.ts';
import { makeSandbox } from '../../src/newcomer/sandbox.ts';
import { REPOSITORY } from '../helpers.ts';

test("the newcomer's machine: a clone of HEAD, and a PATH with node, npm and npx but no pnpm", () => {
  const sandbox = makeSandbox(REPOSITORY);
  try {
    const head = execFileSync('git', ['-C', REPOSITORY, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    expect(sandbox.commit).toBe(head);
    expect(existsSync(join(sandbox.root, 'README.md'))).toBe(true);
    expect(existsSync(join(sandbox.root, 'node_modules'))).toBe(false);
    const which = (name: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-c', `command -v ${name}`], {
        env: sandbox.env,
        encoding: 'utf8',
      });
    for (const present of ['node', 'npm', 'npx', 'git', 'sh'])
      expect(which(present).status).toBe(0);
    for (const absent of ['pnpm', 'pnpx', 'corepack', 'yarn']) expect(which(absent).status).toBe(1);
    // The one build setting of this machine: the headers of the running node, when they are here
    // (this machine cannot download them), for the install to compile better-sqlite3 against.
    const nodedir = headersTree();
    expect(sandbox.env.npm_config_nodedir).toBe(nodedir);
    if (nodedir !== undefined) expect(headersVersion(nodedir)).toBe(process.versions.node);
    expect(Object.keys(sandbox.env).sort()).toEqual(
      [
        'HOME',
        'LANG',
        'PATH',
        'TERM',
        ...(process.env.TMPDIR ? ['TMPDIR'] : []),
        ...(nodedir === undefined ? [] : ['npm_config_nodedir']),
      ].sort(),
    );
  } finally {
    sandbox.remove();
  }
  expect(existsSync(sandbox.root)).toBe(false);
});

test("the package manager's script banner is not part of what a command prints", () => {
  const pnpm =
    '\n> otp-chat@ start /tmp/x/otp-chat\n> node scripts/start.mjs 05\n\nStarting\nready\n';
  expect(withoutScriptBanner(pnpm)).toBe('Starting\nready\n');
  expect(withoutScriptBanner('Starting\n> not a banner\n')).toBe('Starting\n> not a banner\n');
});
