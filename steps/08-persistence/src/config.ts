/**
 * The server's settings: tables in @otp-chat/server, one entry per setting with its flag,
 * environment variable, default and why; `--help` lists them. Tests shorten the timeouts and
 * lower the limits to reach them quickly, and give each server a database of its own.
 */
import {
  type ConfigOf,
  chatSettings,
  defaultsOf,
  historySettings,
  storeSettings,
  webSettings,
} from '@otp-chat/server';

// #region config
/**
 * Step 7's settings, and (new in step 8) where the database is: SQLite under `--data-dir` by
 * default, PostgreSQL when `--database-url` (or DATABASE_URL) names one; and how long
 * messages are kept.
 */
export const settings = { ...chatSettings, ...webSettings, ...historySettings, ...storeSettings };

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config

export { historyOptions, roomLimits, storeOptions } from '@otp-chat/server';
