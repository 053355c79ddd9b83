// Step 5: a TCP chat server people reach with telnet or netcat.

export {
  ChatServer,
  ChatSupervisor,
  type CreateRoomResult,
  explainNameProblem,
  type JoinReply,
  MAX_NAME_LENGTH,
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
  type RoomMessage,
  Session,
  type SessionEvent,
  type SessionRequest,
  USERS,
  userPid,
} from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export { APPLICATION, type Chat, startChat, TCP_SUPERVISOR, TcpSupervisor } from './application.ts';
export { COMMANDS, type Command, parseCommand } from './commands.ts';
export { type ChatConfig, defaultConfig, listenAddress } from './config.ts';
export { connectionSpec } from './connection.ts';
export { CONNECTIONS, type Endpoint, LISTENER, Listener } from './listener.ts';
export { type Decoded, decodeLine, decodeName, encodeEvent, telnetNews } from './telnet.ts';
