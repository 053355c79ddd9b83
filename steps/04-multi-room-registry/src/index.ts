// Step 4: many rooms at once, each its own server, started on demand and found by name.
export {
  ChatServer,
  type CreateRoomResult,
  type NoSuchRoom,
  REGISTRY,
  ROOM_SUPERVISOR,
} from './chat_server.ts';
export {
  Message,
  type NewMessageResult,
  newMessage,
  type PostError,
  type PostInput,
} from './message.ts';
export { ChatSupervisor } from './supervisor.ts';
