import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  cachedTree,
  headersTree,
  headersVersion,
  NATIVE_ADDONS,
} from '../../../../scripts/native-addons.mjs';
import { REPOSITORY, scratch } from '../helpers.ts';

// scripts/native-addons.mjs: which headers a node's addons compile against (.ci/run rebuilds
// them for each Node; the newcomer's sandbox passes the same tree on).

/** A Node.js tree in a scratch directory: bin/node (not a real one) and, if asked, its headers. */
function tree(headers?: [number, number, number]): { dir: string; node: string } {
  const dir = scratch();
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'node'), '');
  if (headers) {
    mkdirSync(join(dir, 'include', 'node'), { recursive: true });
    const [major, minor, patch] = headers;
    writeFileSync(
      join(dir, 'include', 'node', 'node_version.h'),
      `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n` +
        `#define NODE_PATCH_VERSION ${patch}\n`,
    );
  }
  return { dir, node: join(dir, 'bin', 'node') };
}

describe('headers of a node', () => {
  test("a tree's version is read from its node_version.h; no header, no version", () => {
    expect(headersVersion(tree([24, 21, 0]).dir)).toBe('24.21.0');
    expect(headersVersion(tree().dir)).toBeUndefined();
  });

  test("a node's own prefix, when it holds the headers of that very version", () => {
    const { dir, node } = tree([98, 1, 2]);
    expect(headersTree(node, '98.1.2')).toBe(dir);
    // Another version's headers are no use: an addon built against them would not load.
    expect(headersTree(node, '98.1.3')).toBeUndefined();
    expect(headersTree(tree().node, '98.1.2')).toBeUndefined();
  });

  test('else the tree fetched into the cache, one directory per exact version', () => {
    expect(cachedTree('24.21.0')).toMatch(
      /\.cache\/otp-chat\/node-24\.21\.0\/node_modules\/node-[a-z0-9]+-[a-z0-9]+$/,
    );
  });
});

test('every native addon is one pnpm may build, and its check names it', () => {
  const root = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8'));
  for (const addon of NATIVE_ADDONS) {
    expect(root.pnpm.onlyBuiltDependencies).toContain(addon.name);
    const from = JSON.parse(readFileSync(join(REPOSITORY, addon.from, 'package.json'), 'utf8'));
    expect(from.dependencies).toHaveProperty(addon.name);
    expect(addon.check).toContain(`require('${addon.name}')`);
  }
});
