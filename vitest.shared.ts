import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject, type Plugin } from 'vitest/config';

const workspaceRoot = dirname(fileURLToPath(import.meta.url));

// Settings every package and step shares. Workspace packages resolve to their TypeScript
// sources through the "source" export condition, so no build is needed to test or run them.
// The project name defaults to the package name, so a step's config is one line: `project()`.
export function project(name?: string) {
  return defineProject({
    plugins: [implOverride()],
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      ...(name === undefined ? {} : { name }),
      include: ['test/**/*.test.ts'],
      // Fixtures are the inputs of tests (a mini tutorial, sample scripts), never tests themselves.
      exclude: ['**/node_modules/**', 'test/fixtures/**'],
      testTimeout: 20_000,
      hookTimeout: 20_000,
    },
  });
}

// A project's tests import the project by its own package name, and that name resolves to
// `src/index.ts` of the project, or of `$OTP_CHAT_IMPL` when it is set. Running a step's tests
// against another implementation (the previous step, a learner's workspace) is then a matter
// of one environment variable: `OTP_CHAT_IMPL=.learner/02-x vitest run --root steps/02-x`.
// A relative OTP_CHAT_IMPL is taken from the repository root. Meant for one project at a time.
function implOverride(): Plugin {
  let packageName: string | undefined;
  let entry = '';
  return {
    name: 'otp-chat:impl-override',
    enforce: 'pre',
    configResolved(config) {
      const manifest = join(config.root, 'package.json');
      if (!existsSync(manifest)) return;
      packageName = JSON.parse(readFileSync(manifest, 'utf8')).name;
      entry = join(implDir(config.root), 'src', 'index.ts');
    },
    resolveId(source) {
      return packageName !== undefined && source === packageName ? entry : null;
    },
  };
}

function implDir(projectRoot: string): string {
  const impl = process.env.OTP_CHAT_IMPL;
  if (!impl) return projectRoot;
  return isAbsolute(impl) ? impl : resolve(workspaceRoot, impl);
}
