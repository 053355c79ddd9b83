import { defineConfig } from 'vitest/config';

// One run over every package and step; each also runs alone with `pnpm --filter <name> test`.
export default defineConfig({
  test: {
    projects: ['packages/*', 'steps/*'],
  },
});
