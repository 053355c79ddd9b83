/**
 * The browser client's files, served from memory: the page, its stylesheet, and its script.
 *
 * The script is TypeScript (public/chat.ts), and it uses the same ChatClient as the tests and
 * the REPL (src/client.ts). esbuild turns the two into one JavaScript module when the server
 * starts: it removes the types and puts the files together, and leaves the code as written, so
 * the browser's developer tools show code a person can read. This runs once per server start
 * and takes a few milliseconds, so there is no build step to forget.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WebFile } from '@otp-chat/net';
import { build } from 'esbuild';

const STEP = new URL('../', import.meta.url);
const PUBLIC = new URL('public/', STEP);

let assets: Promise<ReadonlyMap<string, WebFile>> | undefined;

/** The files by the path they are served at; made on the first call, then shared. */
export function webAssets(): Promise<ReadonlyMap<string, WebFile>> {
  assets ??= loadAssets();
  return assets;
}

async function loadAssets(): Promise<ReadonlyMap<string, WebFile>> {
  const [html, css, js] = await Promise.all([
    readFile(new URL('chat.html', PUBLIC)),
    readFile(new URL('chat.css', PUBLIC)),
    bundleScript(),
  ]);
  const page: WebFile = { body: html, type: 'text/html; charset=utf-8' };
  return new Map([
    ['/', page],
    ['/chat.html', page],
    ['/chat.css', { body: css, type: 'text/css; charset=utf-8' }],
    ['/chat.js', { body: js, type: 'text/javascript; charset=utf-8' }],
  ]);
}

async function bundleScript(): Promise<Buffer> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('chat.ts', PUBLIC))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    // File names in the bundle's comments and source map are from the step's directory,
    // whatever directory the server was started from.
    absWorkingDir: fileURLToPath(STEP),
    // The original files, for the browser's developer tools.
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}
