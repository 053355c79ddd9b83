// Step 2: messages become structs with a content and a username, checked where they come in.
export { type CreateRequest, type GetRequest, loop, type Request } from './chat_server.ts';
export {
  Message,
  type NewMessageResult,
  newMessage,
  type PostError,
  type PostInput,
} from './message.ts';
