/**
 * The ceiling: the step-06 JSON protocol on a bare `ws` server, written the way the ws README
 * writes a broadcast server, with rooms as Sets. No processes, no schema library, no flood
 * limit, no bound on what waits for a slow reader: only what the load needs (join, leave,
 * message) and the heartbeat the README recommends. A message is turned into JSON and into
 * bytes once, and those bytes go to every member, the sender included (step 06's echo rule).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { HOST, type Peer } from './peer.ts';

/** What the server knows of one connection. */
interface Session {
  name: string | undefined;
  readonly rooms: Set<string>;
  alive: boolean;
}

const HEARTBEAT_MS = 30_000;

export async function startWsServer(): Promise<Peer> {
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 16 * 1024 });
  const rooms = new Map<string, Map<WebSocket, string>>();
  const names = new Set<string>();
  const sessions = new Map<WebSocket, Session>();

  function reply(ws: WebSocket, message: object): void {
    ws.send(JSON.stringify(message));
  }

  /** One JSON text, encoded once, to every member of `room` but `except`. */
  function broadcast(room: Map<WebSocket, string>, message: object, except?: WebSocket): void {
    const bytes = Buffer.from(JSON.stringify(message));
    for (const member of room.keys()) {
      if (member !== except && member.readyState === member.OPEN) {
        member.send(bytes, { binary: false });
      }
    }
  }

  /** The name the connection goes by: the first one it joined with, if nobody else has it. */
  function claimName(session: Session, username: string): string | undefined {
    if (session.name === username) return undefined;
    if (session.name !== undefined) return 'one name per connection';
    if (names.has(username)) return 'name taken';
    names.add(username);
    session.name = username;
    return undefined;
  }

  function join(ws: WebSocket, session: Session, roomId: string, username: string): void {
    const problem = claimName(session, username);
    let room = rooms.get(roomId);
    if (room === undefined) rooms.set(roomId, (room = new Map()));
    if (problem !== undefined) reply(ws, error('INVALID_USERNAME', problem));
    else if (room.has(ws)) reply(ws, error('ALREADY_IN_ROOM', roomId));
    else enter(ws, session, room, roomId, username);
  }

  function enter(
    ws: WebSocket,
    session: Session,
    room: Map<WebSocket, string>,
    roomId: string,
    username: string,
  ): void {
    broadcast(room, { type: 'user_joined', roomId, username });
    room.set(ws, username);
    session.rooms.add(roomId);
    reply(ws, { type: 'joined', roomId, users: [...room.values()] });
  }

  function leave(ws: WebSocket, session: Session, roomId: string): boolean {
    const room = rooms.get(roomId);
    if (room === undefined || !room.delete(ws)) return false;
    session.rooms.delete(roomId);
    if (room.size === 0) rooms.delete(roomId);
    else broadcast(room, { type: 'user_left', roomId, username: session.name });
    return true;
  }

  function say(ws: WebSocket, session: Session, roomId: string, text: string): void {
    const room = rooms.get(roomId);
    if (room === undefined || !room.has(ws)) reply(ws, error('NOT_IN_ROOM', roomId));
    else
      broadcast(room, { type: 'message', roomId, from: session.name, text, timestamp: Date.now() });
  }

  function onMessage(ws: WebSocket, session: Session, data: RawData, isBinary: boolean): void {
    const message = parse(data, isBinary);
    const { type, roomId, username, text } = message ?? {};
    if (message === undefined) reply(ws, error('INVALID_JSON', 'not a JSON object'));
    else if (typeof roomId !== 'string' || roomId === '')
      reply(ws, error('INVALID_ROOM', 'roomId'));
    else if (type === 'join' && typeof username === 'string' && username !== '') {
      join(ws, session, roomId, username);
    } else if (type === 'leave') {
      if (leave(ws, session, roomId)) reply(ws, { type: 'left', roomId });
      else reply(ws, error('NOT_IN_ROOM', roomId));
    } else if (type === 'message' && typeof text === 'string' && text.trim() !== '') {
      say(ws, session, roomId, text);
    } else {
      reply(ws, error('UNKNOWN_MESSAGE', 'join, leave or message'));
    }
  }

  wss.on('connection', (ws) => {
    const session: Session = { name: undefined, rooms: new Set(), alive: true };
    sessions.set(ws, session);
    ws.on('error', () => {});
    ws.on('pong', () => (session.alive = true));
    ws.on('message', (data, isBinary) => onMessage(ws, session, data, isBinary));
    ws.on('close', () => {
      for (const roomId of [...session.rooms]) leave(ws, session, roomId);
      if (session.name !== undefined) names.delete(session.name);
      sessions.delete(ws);
    });
  });

  // The README's heartbeat: a connection that did not answer the last ping is cut.
  const heartbeat = setInterval(() => {
    for (const [ws, session] of sessions) {
      if (!session.alive) ws.terminate();
      else {
        session.alive = false;
        ws.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve) => http.listen(0, HOST, resolve));
  const { port } = http.address() as AddressInfo;
  return { endpoints: { json: `ws://${HOST}:${port}/ws` }, connections: () => wss.clients.size };
}

type Request = { type?: unknown; roomId?: unknown; username?: unknown; text?: unknown };

function parse(data: RawData, isBinary: boolean): Request | undefined {
  if (isBinary) return undefined;
  try {
    const json = JSON.parse(String(data)) as unknown;
    return typeof json === 'object' && json !== null ? (json as Request) : undefined;
  } catch {
    return undefined;
  }
}

function error(code: string, message: string) {
  return { type: 'error', code, message };
}
