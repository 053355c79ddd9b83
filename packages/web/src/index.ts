/**
 * @otp-chat/web: the WebSocket transport chapter 6 teaches, which every later step keeps as it
 * is: the web listener that owns the HTTP port (the step's page, and WebSockets at /ws), one
 * connection process per WebSocket (its port, its flow control, its heartbeat, its limits), and
 * the page's files, bundled when the server starts. A step starts the WebListener under its own
 * supervisor and gives it its settings, its page and its protocol, as a JsonAdapter.
 */
export type { ConnectionErrorCode, JsonAdapter } from './adapter.js';
// Step 8's rooms catalog, for its protocol to add to its messages.
export {
  CATALOG_CLIENT,
  CATALOG_ERROR_CODES,
  CATALOG_SERVER,
  type CatalogClientMessage,
  CatalogRoomInfo,
  catalogRequest,
  encodeCatalogEvent,
} from './catalog_protocol.js';
export type { WebConfig } from './config.js';
export { webAssets } from './web_assets.js';
export { webConnectionSpec } from './web_connection.js';
export { WEB_LISTENER, WebListener, type WebListenerArgs, WS_PATH } from './web_listener.js';
