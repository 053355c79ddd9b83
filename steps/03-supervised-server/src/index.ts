// Step 3: the room becomes a GenServer under a registered name, kept alive by a supervisor.
export { ChatServer, NAME } from './chat_server.ts';
export {
  Message,
  type NewMessageResult,
  newMessage,
  type PostError,
  type PostInput,
} from './message.ts';
export { ChatSupervisor } from './supervisor.ts';
