import { fileURLToPath } from 'node:url';

/**
 * The module that lets Node run a server's TypeScript (`node --import <this> src/main.ts`), as
 * every step's `start` script does; a path, so a child started from any directory finds it. Tests
 * and benchmarks that start a server in a process of its own start it with this too, so they
 * measure what `pnpm start` runs. Why not tsx: ../loader/hooks.mjs.
 */
export const SERVER_LOADER = fileURLToPath(new URL('../loader/register.mjs', import.meta.url));
