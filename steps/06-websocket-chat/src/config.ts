/**
 * The server's settings: step 5's (`chatSettings` in @otp-chat/server) and the web's
 * (`webSettings`, there too), one entry per setting with its flag, environment variable, default
 * and why. `pnpm start 06 --help` lists them. Tests shorten the timeouts and lower the limits to
 * reach them quickly.
 */
import {
  type ConfigOf,
  chatSettings,
  defaultsOf,
  type SettingsTable,
  webSettings,
} from '@otp-chat/server';

// #region config
export const settings = { ...chatSettings, ...webSettings } as const satisfies SettingsTable;

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config

export { roomLimits } from '@otp-chat/server';
