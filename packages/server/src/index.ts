/**
 * @otp-chat/server: what it takes to run a chat server, the same in every step from 5 on: its
 * settings as one table (flag, environment variable, default, why), and the command line that
 * reads them, starts the server and stops it cleanly.
 */
export { chatSettings, roomLimits } from './chat_settings.js';
export {
  type CommandLine,
  readCommandLine,
  runServer,
  type ServerCommand,
  usage,
} from './command_line.js';
export { historyOptions, historySettings } from './history_settings.js';
export { SERVER_LOADER } from './loader.js';
export {
  type ConfigOf,
  commaList,
  defaultsOf,
  duration,
  nonEmpty,
  portNumber,
  positiveInteger,
  readSettings,
  type Setting,
  type SettingsTable,
  showDuration,
  wholeNumber,
} from './settings.js';
export { type StoreSettings, storeOptions, storeSettings } from './store_settings.js';
export { webSettings } from './web_settings.js';
