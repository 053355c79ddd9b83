import type WebSocket from 'ws';

// The JSON protocol as the suite sees it from the outside: the server messages a client may get,
// and the typed client a step ships (step 06's `ChatClient`). The suite holds its own copy of the
// wire types on purpose: a step whose types drift from the wire still meets these.

export interface RoomInfo {
  id: string;
  userCount: number;
  /** What the room is about, in a step with a rooms catalog (8 on). */
  description?: string;
}

export type ServerMessage =
  | { type: 'joined'; roomId: string; users: string[]; description?: string }
  | { type: 'left'; roomId: string }
  | {
      type: 'message';
      roomId: string;
      from: string;
      text: string;
      timestamp: number;
      /** Its id in the room and the numbering's epoch, in a step that keeps history (7 on). */
      id?: number;
      epoch?: number;
    }
  | { type: 'user_joined'; roomId: string; username: string }
  | { type: 'user_left'; roomId: string; username: string }
  | { type: 'room_list'; rooms: RoomInfo[]; next?: string }
  | { type: 'user_list'; roomId: string; users: string[]; presence?: Presence[] }
  | { type: 'private'; from: string; text: string }
  | { type: 'error'; code: string; message: string }
  // Step 7 on: history, catch-up and presence.
  | { type: 'history'; roomId: string; messages: HistoryMessage[]; more?: boolean }
  | { type: 'history_gap'; roomId: string; missed: number | null }
  | { type: 'status'; roomId: string; username: string; status: Status; message?: string }
  | { type: 'typing'; roomId: string; username: string }
  // Step 8 on: the rooms catalog.
  | { type: 'room_created'; roomId: string; description?: string }
  | { type: 'topic'; roomId: string; username: string; description: string };

/** A message as a room's history keeps it (step 7 on). */
export interface HistoryMessage {
  id: number;
  epoch: number;
  from: string;
  text: string;
  timestamp: number;
}

export type Status = 'online' | 'away';

/** A member of a room, as a user_list shows it (step 7 on). */
export interface Presence {
  username: string;
  since: number;
  transports: string[];
  status: Status;
  message?: string;
}

/** The last message a client saw in a room: a join's `since`. */
export interface MessageRef {
  epoch: number;
  id: number;
}

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

/** The client of a step that keeps history (7 on): a join with `since`, pages, statuses, typing. */
export interface HistoryWebClient extends WebClient {
  join(roomId: string, username: string, since?: MessageRef): void;
  getHistory(roomId: string, page?: { limit?: number; before?: number }): void;
  setStatus(status: Status, message?: string): void;
  typing(roomId: string): void;
  /** The messages received and not yet taken; takes them. */
  drain(): ServerMessage[];
}

/** The client as a history feature needs it; a clear error when the step's client lacks it. */
export function historyClient(client: WebClient): HistoryWebClient {
  const missing = (['getHistory', 'setStatus', 'typing', 'drain'] as const).filter(
    (name) => typeof (client as Partial<HistoryWebClient>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new Error(`the step's ChatClient has no ${missing.join(', ')}`);
  }
  return client as HistoryWebClient;
}

/** The client of a step with a rooms catalog (8 on): rooms made with a description, topics. */
export interface CatalogWebClient extends HistoryWebClient {
  createRoom(roomId: string, description?: string): void;
  setTopic(roomId: string, description: string): void;
}

/** The client as the catalog feature needs it; a clear error when the step's client lacks it. */
export function catalogClient(client: WebClient): CatalogWebClient {
  const missing = (['createRoom', 'setTopic'] as const).filter(
    (name) => typeof (client as Partial<CatalogWebClient>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new Error(`the step's ChatClient has no ${missing.join(', ')}`);
  }
  return historyClient(client) as CatalogWebClient;
}

/** The WebSocket class a client is built on: the ws package's, or a class derived from it. */
export type WebSocketClass = new (url: string, options?: WebSocket.ClientOptions) => WebSocket;

export interface WebClientClass {
  connect(url: string, options: { WebSocket: WebSocketClass }): Promise<object>;
}
