/**
 * The server's settings: tables in @otp-chat/server, one entry per setting with its flag,
 * environment variable, default and why; `--help` lists them. Tests shorten the timeouts and
 * lower the limits to reach them quickly.
 */
import {
  type ConfigOf,
  chatSettings,
  defaultsOf,
  historySettings,
  webSettings,
} from '@otp-chat/server';

// #region config
/**
 * Where the server listens, the limits on what one client may cost it, and (new in step 7) the
 * history rooms keep: on by default.
 */
export const settings = { ...chatSettings, ...webSettings, ...historySettings };

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config

export { historyOptions, roomLimits } from '@otp-chat/server';
