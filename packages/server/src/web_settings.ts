/**
 * The settings a server with a web side adds to chatSettings (step 6 on): the HTTP port, the
 * largest WebSocket frame, the heartbeat, and the pages that may open a WebSocket.
 */
import { commaList, portNumber, positiveInteger, type SettingsTable } from './settings.js';

// #region web
export const webSettings = {
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
    why: "web origins, besides the page's own, whose pages may open a WebSocket; comma-separated",
  },
} as const satisfies SettingsTable;
// #endregion web
