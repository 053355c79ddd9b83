/**
 * @otp-chat/net: the network plumbing the chat steps share. Ports let a process own a TCP socket
 * or a WebSocket (on @otp-chat/otp's Port), two helpers run in the process that owns one (the
 * heartbeat and the idle timer), and a web listener's HTTP server (webServer) hands the
 * WebSockets it accepts to the process that owns it; the rest knows nothing of processes. None
 * of it knows about chat: the steps build their listener, connections and rooms on top of it.
 */
export { asProcess } from './as_process.js';
export { type BufferedSocket, sendBounded } from './bounded_send.js';
export { writeBounded } from './bounded_write.js';
export {
  addressKey,
  addressList,
  admitHttp,
  ConnectionCaps,
  type ConnectionCapsOptions,
  type ConnectionRefusal,
  LOOPBACK,
  refuseSocket,
} from './connection_caps.js';
export { FloodGate, type FloodVerdict } from './flood_gate.js';
export {
  refuseBusy,
  refuseUpgrade,
  replyText,
  requestPath,
  serveFile,
  serveHttp,
  type WebFile,
} from './http_replies.js';
export { IdleTimer } from './idle_timer.js';
export {
  type FrameCodes,
  type MessageSchema,
  type ReadFrame,
  readJsonFrame,
  ruleCheck,
} from './json_frame.js';
export { LineClient, type LineClientOptions, type LineMatch } from './line_client.js';
export { dialHost, hostInUrl } from './listen_address.js';
export { OriginPolicy, originList } from './origin_policy.js';
export {
  openLinePort,
  openSocketPort,
  type SocketPortOptions,
  socketSource,
} from './socket_port.js';
export {
  type LineDecoderOptions,
  type LineError,
  type TelnetLine,
  TelnetLineDecoder,
  telnetLines,
} from './telnet_lines.js';
export { TokenBucket, type TokenBucketOptions } from './token_bucket.js';
export {
  acceptWebSockets,
  CloseCode,
  closeReason,
  MAX_CLOSE_REASON_BYTES,
  type WebServerOptions,
  type WebSocketAcceptOptions,
  type WebSocketHandler,
  webServer,
} from './web_server.js';
export { HEARTBEAT, WebSocketHeartbeat } from './websocket_heartbeat.js';
export {
  openWebSocketPort,
  type PortableWebSocket,
  type RawData,
  type WebSocketEvent,
  type WebSocketPortOptions,
  webSocketEvents,
  webSocketSource,
} from './websocket_port.js';
