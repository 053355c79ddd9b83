import type WebSocket from 'ws';

// The JSON protocol as the suite sees it from the outside: the server messages a client may get,
// and the typed client a step ships (step 06's `ChatClient`). The suite holds its own copy of the
// wire types on purpose: a step whose types drift from the wire still meets these.

export interface RoomInfo {
  id: string;
  userCount: number;
}

export type ServerMessage =
  | { type: 'joined'; roomId: string; users: string[] }
  | { type: 'left'; roomId: string }
  | { type: 'message'; roomId: string; from: string; text: string; timestamp: number }
  | { type: 'user_joined'; roomId: string; username: string }
  | { type: 'user_left'; roomId: string; username: string }
  | { type: 'room_list'; rooms: RoomInfo[]; next?: string }
  | { type: 'user_list'; roomId: string; users: string[] }
  | { type: 'private'; from: string; text: string }
  | { type: 'error'; code: string; message: string };

export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** The typed WebSocket client of the step: one method per client message, and waits. */
export interface WebClient {
  readonly closed: Promise<Closed>;
  readonly isOpen: boolean;
  join(roomId: string, username: string): void;
  leave(roomId: string): void;
  say(roomId: string, text: string): void;
  /** A page of the rooms: after `cursor` (a room_list's `next`), at most `limit`. */
  listRooms(page?: { cursor?: string; limit?: number }): void;
  listUsers(roomId: string): void;
  privateMessage(to: string, text: string): void;
  /** The next message of type `type` (that `match` accepts), skipping those before it. */
  expect<T extends ServerMessage['type']>(
    type: T,
    match?: (message: ServerMessageOf<T>) => boolean,
  ): Promise<ServerMessageOf<T>>;
  next(): Promise<ServerMessage>;
  close(code?: number, reason?: string): Promise<Closed>;
}

/** The WebSocket class a client is built on: the ws package's, or a class derived from it. */
export type WebSocketClass = new (url: string, options?: WebSocket.ClientOptions) => WebSocket;

export interface WebClientClass {
  connect(url: string, options: { WebSocket: WebSocketClass }): Promise<object>;
}
