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
export {
  COMMANDS,
  CONNECTIONS,
  type Command,
  connectionSpec,
  type Decoded,
  decodeLine,
  decodeName,
  type Endpoint,
  encodeEvent,
  LISTENER,
  Listener,
  parseCommand,
  telnetNews,
} from '@otp-chat/telnet';
export { APPLICATION, type Chat, startChat, TCP_SUPERVISOR, TcpSupervisor } from './application.ts';
export { type ChatConfig, defaultConfig, listenAddress } from './config.ts';
