// Step 6: the chat on the web: a WebSocket transport with a typed JSON protocol and a browser
// client, beside the telnet one, both in the same rooms, on one chat core.

// The chat core and the telnet transport, whole: what chapter 5 teaches, in packages.
export * from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export * from '@otp-chat/telnet';
export {
  APPLICATION,
  type Chat,
  LISTENERS,
  ListenersSupervisor,
  SESSIONS,
  SessionsSupervisor,
  startChat,
} from './application.ts';
export {
  ChatClient,
  type ChatClientOptions,
  type Closed,
  type WebSocketClass,
  type WebSocketLike,
} from './client.ts';
export { type ChatConfig, defaultConfig, settings } from './config.ts';
export { encodeEvent as encodeJsonEvent, jsonNews, toRequest } from './json_adapter.ts';
export {
  ClientMessage,
  type Decoded,
  decodeClientFrame,
  ERROR_CODES,
  ErrorCode,
  type ErrorMessage,
  errorMessage,
  RoomId,
  RoomInfo,
  ServerMessage,
  type ServerMessageOf,
  Text,
  Username,
} from './protocol.ts';
export { webAssets } from './web_assets.ts';
export { webConnectionSpec } from './web_connection.ts';
export { WEB_LISTENER, WebListener, WS_PATH } from './web_listener.ts';
