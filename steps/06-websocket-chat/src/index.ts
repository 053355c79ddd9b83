// Step 6: the chat on the web: a WebSocket transport with a typed JSON protocol and a browser
// client, beside the telnet one, both in the same rooms.

export {
  ChatSupervisor,
  explainNameProblem,
  explainTextProblem,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  Message,
  type NameProblem,
  type NewMessageResult,
  nameKey,
  nameProblem,
  newMessage,
  type PostError,
  type PostInput,
  type TextProblem,
  textProblem,
  withoutControls,
} from '@otp-chat/chat';
export { LineClient, type LineMatch } from '@otp-chat/net';
export {
  APPLICATION,
  type Chat,
  hostInUrl,
  LISTENERS,
  ListenersSupervisor,
  SESSIONS,
  SessionsSupervisor,
  startChat,
} from './application.ts';
export {
  ChatServer,
  type CreateRoomResult,
  type JoinReply,
  REGISTRY,
  ROOM_SUPERVISOR,
  type RoomMessage,
} from './chat_server.ts';
export {
  ChatClient,
  type ChatClientOptions,
  type Closed,
  type WebSocketClass,
  type WebSocketLike,
} from './client.ts';
export { COMMANDS, type Command, parseCommand } from './commands.ts';
export { type ChatConfig, defaultConfig, listenAddress } from './config.ts';
export {
  connectionSpec,
  lookupUser,
  type PrivateMessage,
  type Transport,
  USERS,
  userPid,
} from './connection.ts';
export { CONNECTIONS, type Endpoint, LISTENER, Listener, listen } from './listener.ts';
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
export { RoomEvent, type RoomNews } from './room_event.ts';
export { asProcess, closeWhenExits, receiveLines, type SocketMessage } from './socket_owner.ts';
export { type Asset, webAssets } from './web_assets.ts';
export { webConnectionSpec } from './web_connection.ts';
export { WEB_LISTENER, WebListener, WS_PATH } from './web_listener.ts';
export {
  closeWebSocketWhenExits,
  receiveFrames,
  type WebSocketMessage,
} from './websocket_owner.ts';
