/**
 * Where the store is, as the chat server's settings and `pnpm db:*` name it: the data directory
 * when nothing names one, and a URL fit to be shown. A file of its own, with nothing heavy
 * imported, so that reading the settings does not load the database drivers.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the data lives when no flag says: OTP_CHAT_DATA_DIR when it is set, else `data/` at
 * the root of this repository (git ignores it). The one place that default is written: the chat
 * server (its `--data-dir`, and `startChat()` called from code) and `pnpm db:*` all ask here.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.OTP_CHAT_DATA_DIR;
  if (named !== undefined && named !== '') return named;
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'data');
}

/** The URL with its password, if any, as `***`: what a log line or an error may show. */
export function withoutPassword(url: string): string {
  return (
    url
      // Up to the last @ before the path: a password may hold an @ of its own.
      .replace(/\/\/([^:/@]*):[^/]*@/, '//$1:***@')
      // pg also takes the password as a parameter.
      .replace(/([?&]password=)[^&]*/gi, '$1***')
  );
}
