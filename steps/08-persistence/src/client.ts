/**
 * The typed client for this step's WebSocket protocol: `JsonClient` from `@otp-chat/web` (the
 * connection, and messages taken as they come or waited for, written once for every step) with
 * this protocol's messages, and a method for each request. The page's script uses it in the
 * browser, the tests and the REPL in Node (pass the ws package's WebSocket).
 *
 * It imports nothing but types from protocol.ts, so the browser gets no schema library: the
 * server checks what clients send, and the tests check what the server sends.
 */
import { JsonClient, type JsonClientOptions } from '@otp-chat/web/client';
import type { ClientMessage, MessageRef, ServerMessage, Status } from './protocol.ts';

export type { Closed, WebSocketClass, WebSocketLike } from '@otp-chat/web/client';
export type ChatClientOptions = JsonClientOptions<ServerMessage>;

export class ChatClient extends JsonClient<ClientMessage, ServerMessage> {
  /** Opens a connection to `url` (like `ws://127.0.0.1:4000/ws`); resolves once it is open. */
  static connect(url: string, options: ChatClientOptions = {}): Promise<ChatClient> {
    return new ChatClient(url, options).opened();
  }

  // #region send
  /** Joins a room; `since`, the last message seen there, asks for exactly what came after it. */
  join(roomId: string, username: string, since?: MessageRef): void {
    this.send({ type: 'join', roomId, username, ...(since === undefined ? {} : { since }) });
  }

  leave(roomId: string): void {
    this.send({ type: 'leave', roomId });
  }

  say(roomId: string, text: string): void {
    this.send({ type: 'message', roomId, text });
  }

  /** The rooms, a page at a time: after `cursor` (a room_list's `next`), at most `limit`. */
  listRooms(page: { cursor?: string; limit?: number } = {}): void {
    this.send({ type: 'list_rooms', ...page });
  }

  listUsers(roomId: string): void {
    this.send({ type: 'list_users', roomId });
  }

  /** A private line to one user, whichever way they are connected. */
  privateMessage(to: string, text: string): void {
    this.send({ type: 'private', to, text });
  }

  /** A page of a room's history: the last `limit` messages, or those before id `before`. */
  getHistory(roomId: string, page: { limit?: number; before?: number } = {}): void {
    this.send({ type: 'get_history', roomId, ...page });
  }

  /** Online, or away with an optional note, in every room. */
  setStatus(status: Status, message?: string): void {
    this.send({ type: 'set_status', status, ...(message === undefined ? {} : { message }) });
  }

  /** Tells a room we are typing; the server passes at most one a second on. */
  typing(roomId: string): void {
    this.send({ type: 'typing', roomId });
  }

  /** Makes a room, empty, with what it is about (step 8): answered by room_created. */
  createRoom(roomId: string, description?: string): void {
    this.send({
      type: 'create_room',
      roomId,
      ...(description === undefined ? {} : { description }),
    });
  }

  /** Sets what a room we are in is about: every member gets the topic. */
  setTopic(roomId: string, description: string): void {
    this.send({ type: 'set_topic', roomId, description });
  }
  // #endregion send
}
