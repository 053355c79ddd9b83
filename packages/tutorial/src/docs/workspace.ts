import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspacePackage } from './commands.ts';

// What commands the workspace offers: root scripts, root binaries, and each package's scripts,
// the packages found through pnpm-workspace.yaml (plain `dir/*` patterns, as this repo uses).

export function rootScripts(root: string): Record<string, string> {
  return readManifest(join(root, 'package.json'))?.scripts ?? {};
}

export function rootBins(root: string): Set<string> {
  const bin = join(root, 'node_modules', '.bin');
  return new Set(existsSync(bin) ? readdirSync(bin) : []);
}

export function workspacePackages(root: string): WorkspacePackage[] {
  const packages: WorkspacePackage[] = [];
  for (const pattern of workspacePatterns(root)) {
    const dirs = pattern.endsWith('/*') ? childDirs(root, pattern.slice(0, -2)) : [pattern];
    for (const dir of dirs) {
      const manifest = readManifest(join(root, dir, 'package.json'));
      if (manifest?.name)
        packages.push({ name: manifest.name, dir, scripts: manifest.scripts ?? {} });
    }
  }
  return packages;
}

function workspacePatterns(root: string): string[] {
  const file = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return [];
  return [...readFileSync(file, 'utf8').matchAll(/^\s*-\s*['"]?([^'"\s#]+)/gm)].map(
    (m) => m[1] ?? '',
  );
}

function childDirs(root: string, parent: string): string[] {
  const dir = join(root, parent);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${parent}/${e.name}`);
}

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
}

function readManifest(file: string): Manifest | undefined {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}
