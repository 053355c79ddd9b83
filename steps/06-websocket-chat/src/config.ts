/**
 * The server's settings: step 5's (`chatSettings` in @otp-chat/server) and the web's, one entry
 * per setting with its flag, environment variable, default and why. `pnpm start 06 --help`
 * lists them. Tests shorten the timeouts and lower the limits to reach them quickly.
 */
import {
  type ConfigOf,
  chatSettings,
  commaList,
  defaultsOf,
  portNumber,
  positiveInteger,
  type SettingsTable,
} from '@otp-chat/server';

// #region config
export const settings = {
  ...chatSettings,
  webPort: {
    flag: 'web-port',
    env: 'CHAT_WEB_PORT',
    default: 4000,
    unit: 'port',
    parse: portNumber,
    why: 'the HTTP port: the page at /chat.html and WebSockets at /ws; 0 picks a free one',
  },
  maxFrameBytes: {
    flag: 'max-frame-bytes',
    env: 'CHAT_MAX_FRAME_BYTES',
    default: 16 * 1024,
    unit: 'bytes',
    parse: positiveInteger,
    why: 'the largest WebSocket frame accepted; a larger one closes the connection',
  },
  heartbeatMs: {
    flag: 'heartbeat-ms',
    env: 'CHAT_HEARTBEAT_MS',
    default: 30_000,
    unit: 'ms',
    parse: positiveInteger,
    why: 'how often a WebSocket is pinged; one that has not answered by the next ping is dropped',
  },
  allowedOrigins: {
    flag: 'allowed-origins',
    env: 'CHAT_ALLOWED_ORIGINS',
    default: [] as readonly string[],
    unit: 'list',
    parse: commaList,
    why: "web origins besides the page's own whose pages may open a WebSocket, comma-separated",
  },
} as const satisfies SettingsTable;

export type ChatConfig = ConfigOf<typeof settings>;

export const defaultConfig: ChatConfig = defaultsOf(settings);
// #endregion config
