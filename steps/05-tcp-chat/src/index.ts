// Step 5: a TCP chat server people reach with telnet or netcat.

export {
  ChatSupervisor,
  explainNameProblem,
  MAX_NAME_LENGTH,
  Message,
  type NameProblem,
  type NewMessageResult,
  nameKey,
  nameProblem,
  newMessage,
  type PostError,
  type PostInput,
} from '@otp-chat/chat';
export { LineClient, type LineMatch } from '@otp-chat/net';
export { APPLICATION, type Chat, startChat, TCP_SUPERVISOR, TcpSupervisor } from './application.ts';
export {
  ChatServer,
  type CreateRoomResult,
  type JoinReply,
  REGISTRY,
  ROOM_SUPERVISOR,
  type RoomMessage,
} from './chat_server.ts';
export { COMMANDS, type Command, parseCommand } from './commands.ts';
export { type ChatConfig, defaultConfig, listenAddress } from './config.ts';
export { connectionSpec, type PrivateMessage, USERS, userPid } from './connection.ts';
export { CONNECTIONS, type Endpoint, LISTENER, Listener } from './listener.ts';
export { asProcess, closeWhenExits, receiveLines, type SocketMessage } from './socket_owner.ts';
