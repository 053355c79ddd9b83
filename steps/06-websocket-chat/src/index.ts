// Step 6: the chat on the web: a WebSocket transport with a typed JSON protocol and a browser
// client, beside the telnet one, both in the same rooms, on one chat core.
export {
  ChatServer,
  ChatSupervisor,
  type CreateRoomResult,
  explainNameProblem,
  explainTextProblem,
  type JoinReply,
  lookupUser,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  Message,
  type NameProblem,
  type NewMessageResult,
  type NewsEncoder,
  nameKey,
  nameProblem,
  newMessage,
  type PostError,
  type PostInput,
  type PrivateMessage,
  REGISTRY,
  ROOM_SUPERVISOR,
  RoomEvent,
  type RoomMessage,
  type RoomNews,
  Session,
  type SessionEvent,
  type SessionRequest,
  type TextProblem,
  type Transport,
  textProblem,
  USERS,
  userPid,
  withoutControls,
} from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export {
  COMMANDS,
  CONNECTIONS,
  type Command,
  connectionSpec,
  type Decoded as DecodedLine,
  decodeLine,
  decodeName,
  type Endpoint,
  encodeEvent,
  LISTENER,
  Listener,
  listen,
  parseCommand,
  telnetNews,
} from '@otp-chat/telnet';
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
  ChatClient,
  type ChatClientOptions,
  type Closed,
  type WebSocketClass,
  type WebSocketLike,
} from './client.ts';
export { type ChatConfig, defaultConfig, listenAddress } from './config.ts';
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
export { type Asset, webAssets } from './web_assets.ts';
export { webConnectionSpec } from './web_connection.ts';
export { WEB_LISTENER, WebListener, WS_PATH } from './web_listener.ts';
