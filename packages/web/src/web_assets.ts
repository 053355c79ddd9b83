/**
 * A step's browser client, served from memory: the page and its script from the step's
 * `public/` directory (chat.html, chat.ts), the stylesheet every step's page shares (chat.css,
 * in this package's `public/`), and the step's own stylesheets, if it has any (any other `.css`
 * file in its `public/`, which its page links after chat.css to add to it).
 *
 * The script is TypeScript, and it imports the step's own code (the ChatClient the tests and
 * the REPL use). esbuild turns them into one JavaScript module when the server starts: it
 * removes the types and puts the files together, and leaves the code as written, so the
 * browser's developer tools show code a person can read. This runs once per server start and
 * takes a few milliseconds, so there is no build step to forget.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WebFile } from '@otp-chat/net';
import { build } from 'esbuild';

/** The page's layout, the same in every step: served at /chat.css. */
const SHARED_CSS = new URL('../public/chat.css', import.meta.url);

/** By directory: a listener restarted after a crash serves what the first one made. */
const assets = new Map<string, Promise<ReadonlyMap<string, WebFile>>>();

/**
 * The files of the `public/` directory at `publicDir` (a URL ending in `/`), by the path they
 * are served at; made on the first call, then shared.
 */
export function webAssets(publicDir: URL): Promise<ReadonlyMap<string, WebFile>> {
  let files = assets.get(publicDir.href);
  if (files === undefined) {
    files = loadAssets(publicDir);
    assets.set(publicDir.href, files);
  }
  return files;
}

async function loadAssets(publicDir: URL): Promise<ReadonlyMap<string, WebFile>> {
  const [html, css, stepCss, js] = await Promise.all([
    readFile(new URL('chat.html', publicDir)),
    readFile(SHARED_CSS),
    stepStylesheets(publicDir),
    bundleScript(publicDir),
  ]);
  const page: WebFile = { body: html, type: 'text/html; charset=utf-8' };
  return new Map([
    ['/', page],
    ['/chat.html', page],
    ['/chat.css', stylesheet(css)],
    ...stepCss,
    ['/chat.js', { body: js, type: 'text/javascript; charset=utf-8' }],
  ]);
}

function stylesheet(body: Buffer): WebFile {
  return { body, type: 'text/css; charset=utf-8' };
}

/** The step's own `.css` files, by the path they are served at (`/` and their name). */
async function stepStylesheets(publicDir: URL): Promise<[string, WebFile][]> {
  const names = (await readdir(publicDir)).filter((name) => name.endsWith('.css')).sort();
  // A step's chat.css would hide the shared one, or be hidden by it: either way a mistake.
  if (names.includes('chat.css')) {
    throw new Error(
      `${publicDir.href}chat.css: chat.css is @otp-chat/web's; give the step's another name`,
    );
  }
  return Promise.all(
    names.map(
      async (name): Promise<[string, WebFile]> => [
        `/${name}`,
        stylesheet(await readFile(new URL(name, publicDir))),
      ],
    ),
  );
}

async function bundleScript(publicDir: URL): Promise<Buffer> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('chat.ts', publicDir))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    // File names in the bundle's comments and source map are from the step's directory (the
    // one above public/), whatever directory the server was started from.
    absWorkingDir: fileURLToPath(new URL('../', publicDir)),
    // The original files, for the browser's developer tools.
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}
