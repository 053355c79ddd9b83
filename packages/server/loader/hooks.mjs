// Module hooks that let Node load TypeScript: esbuild removes the types, nothing more.
//
// Why not tsx, which the tests and the REPL use: tsx compiles with esbuild's `keepNames`, which
// wraps every function whose name is inferred (`{ data: (event) => ... }`, `const f = () => ...`)
// in a call that defines its `name` property, each time the function is created. A server makes
// such functions for every connection (the port's handlers, the session's callbacks), and each
// then carries a property store of its own: about 4.6 KB per idle WebSocket connection, a third
// of what one cost (`npx pnpm bench:chat --scenarios idle`), and a property definition per
// function made on a hot path. Names only matter in stack traces, and the source maps give
// those.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

/** The compiler settings esbuild needs from tsconfig.base.json: how class fields and imports compile. */
const tsconfigRaw = {
  compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true },
};

/** Every package here is an ES module package (`"type": "module"`), so every .ts file is one. */
const TYPESCRIPT = /\.m?ts$/;

/**
 * The packages import each other's files as `./name.js` (TypeScript's NodeNext style) while the
 * files are `name.ts`: a relative `.js` that does not exist is looked for as `.ts`.
 */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !relative || !specifier.endsWith('.js')) {
      throw error;
    }
    return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcefile: file,
    sourcemap: 'inline',
    tsconfigRaw,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
