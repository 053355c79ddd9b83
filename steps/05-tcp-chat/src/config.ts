/**
 * The server's settings: the table in @otp-chat/server (`chatSettings`), one entry per setting
 * with its flag, environment variable, default and why. `pnpm start 05 --help` lists them.
 * Tests shorten the timeouts and lower the limits to reach them quickly; nothing else differs.
 */
import { type ConfigOf, chatSettings, defaultsOf } from '@otp-chat/server';

// #region config
/** Where the server listens, and the limits on what one client may cost it. */
export const settings = chatSettings;

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config
