// Step 1: a chat room as a process whose state is the list of everything posted.
export { type CreateRequest, type GetRequest, loop, type Request } from './chat_server.ts';
