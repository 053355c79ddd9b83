// `node --import @otp-chat/server/register src/main.ts` runs a TypeScript server, the way every
// step's `start` script and the benchmarks run theirs. See hooks.mjs for why this and not tsx.
import { register } from 'node:module';

// Stack traces name the TypeScript file and line: each module carries an inline source map.
process.setSourceMapsEnabled(true);
register('./hooks.mjs', import.meta.url);
