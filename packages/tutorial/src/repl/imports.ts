import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImportResolver } from './transpile.ts';

// Where the imports of a session come from. A step's API is imported by its package name and the
// runtime as `@otp-chat/otp`, both resolved from the step's package with the `source` condition
// (the process runs with `--conditions=source`), so TypeScript sources load without a build.
// `impl` swaps the step for another implementation of it (a learner's, in exercise mode).

/** The environment variable that points a step's package name at another implementation. */
export const IMPL_ENV = 'OTP_CHAT_IMPL';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `$OTP_CHAT_IMPL` as an absolute path; relative to the repository root, as vitest.shared.ts takes it. */
export function implFromEnvironment(): string | undefined {
  const impl = process.env[IMPL_ENV];
  return impl ? resolve(REPOSITORY_ROOT, impl) : undefined;
}

export interface StepPackage {
  /** Absolute path of the package directory. */
  dir: string;
  name: string;
}

export interface ResolverOptions {
  step: StepPackage;
  /** Directory relative imports are resolved from (the script's). */
  baseDir: string;
  /** A directory whose `src/index.ts` stands in for the step's package. */
  impl?: string | undefined;
}

/** The runtime's package name: in scope in every step's REPL. */
export const RUNTIME_PACKAGE = '@otp-chat/otp';

export function stepImportResolver({ step, baseDir, impl }: ResolverOptions): ImportResolver {
  const requireFromStep = createRequire(join(step.dir, 'package.json'));
  return (specifier) => {
    if (isBuiltin(specifier)) return specifier;
    if (specifier.startsWith('.') || isAbsolute(specifier)) {
      return pathToFileURL(resolve(baseDir, specifier)).href;
    }
    if (specifier === step.name) return impl ? implEntry(impl) : packageEntry(step.dir, specifier);
    const dir = packageDir(step.dir, specifier);
    if (dir) return packageEntry(dir, specifier);
    // The runtime comes from the step's own dependency when it has one, else the workspace's.
    if (specifier === RUNTIME_PACKAGE) return workspaceRuntimeEntry();
    return requiredOr(requireFromStep, specifier);
  };
}

// Workspace packages name their TypeScript entry under the `source` condition. Reading it from
// the manifest, rather than trusting the process to run with --conditions=source, makes the
// same resolution work under vitest too. Other packages load through their ES module entry (the
// `import` condition): `import { WebSocket } from 'ws'` must give what it gives in a script, and
// a CommonJS entry would hide names that Node cannot detect in it.
function packageEntry(dir: string, specifier: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: unknown;
  };
  const entry = exportTarget(manifest.exports);
  if (entry) return pathToFileURL(join(dir, entry)).href;
  return requiredOr(createRequire(join(dir, 'package.json')), specifier);
}

const CONDITIONS = ['source', 'import', 'node', 'default'];

/** The file a package's `exports` gives for its main entry under CONDITIONS, if any. */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) return undefined;
  const map = exports as Record<string, unknown>;
  // `exports` is either a map of subpaths ('.', './x') or directly the conditions of '.'.
  if (Object.keys(map).some((key) => key.startsWith('.'))) return exportTarget(map['.']);
  for (const condition of CONDITIONS) {
    if (condition in map) {
      const target = exportTarget(map[condition]);
      if (target) return target;
    }
  }
  return undefined;
}

/** The directory of the package a bare name points to, found the way Node looks in node_modules. */
function packageDir(from: string, specifier: string): string | undefined {
  // Only a package's own name: a subpath ('pkg/x') goes through `exports` or require.
  if (!/^(@[^/]+\/)?[^/@][^/]*$/.test(specifier)) return undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', specifier);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function requiredOr(require: NodeJS.Require, specifier: string): string {
  try {
    return pathToFileURL(require.resolve(specifier)).href;
  } catch {
    // Not resolvable the CommonJS way (an import-only package, say): let the REPL's own
    // resolution have it, which reports a clear error if it fails too.
    return specifier;
  }
}

/** The runtime package of this repository, for a step that does not depend on it itself. */
export function workspaceRuntimeEntry(): string {
  return packageEntry(join(REPOSITORY_ROOT, 'packages', 'otp'), '@otp-chat/otp');
}

export function implEntry(impl: string): string {
  return pathToFileURL(join(resolve(impl), 'src', 'index.ts')).href;
}

/** The package a file belongs to: the nearest directory above it with a package.json. */
export function owningPackage(file: string): StepPackage {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      return { dir, name: name ?? '' };
    }
    if (dirname(dir) === dir) throw new Error(`${file} is not inside a package`);
  }
}
