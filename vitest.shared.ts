import { defineProject } from 'vitest/config';

// Settings every package and step shares. Workspace packages resolve to their TypeScript
// sources through the "source" export condition, so no build is needed to test or run them.
export function project(name: string) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
      hookTimeout: 20_000,
    },
  });
}
