/**
 * The server's settings: tables in @otp-chat/server, one entry per setting with its flag,
 * environment variable, default and why; `--help` lists them. Tests shorten the timeouts and
 * lower the limits to reach them quickly.
 */
import { type ConfigOf, chatSettings, defaultsOf } from '@otp-chat/server';

// #region config
/** Where the server listens, and the limits on what one client may cost it. */
export const settings = chatSettings;

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config

export { roomLimits } from '@otp-chat/server';
