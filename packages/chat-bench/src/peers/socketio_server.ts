/**
 * Socket.IO with rooms, as its documentation writes a chat: events named after the protocol's
 * requests (`join` with an acknowledgement, `leave`, `message`), `socket.join(room)`, and
 * `io.to(room).emit(...)`, which encodes a packet once for the whole room and sends it to
 * every member, the sender included (step 06's echo rule). Its memory-usage page's advice is
 * taken: the first HTTP request of each connection is not kept. Heartbeats are Socket.IO's
 * own (a ping every 25 s). No flood limit, no bound on a slow reader's buffer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { HOST, type Peer } from './peer.ts';

interface JoinRequest {
  readonly roomId?: unknown;
  readonly username?: unknown;
}

interface SayRequest {
  readonly roomId?: unknown;
  readonly text?: unknown;
}

type Ack = (answer: object) => void;

export async function startSocketIoServer(): Promise<Peer> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  const names = new Set<string>();

  /** Who is in `roomId`, by the names their sockets carry. */
  function usersIn(roomId: string): string[] {
    const ids = io.sockets.adapter.rooms.get(roomId) ?? new Set<string>();
    return [...ids].map((id) => io.sockets.sockets.get(id)?.data.username as string);
  }

  /** What keeps `socket` from joining as `username`, if anything; the first name sticks. */
  function joinProblem(socket: Socket, roomId: string, username: string): string | undefined {
    if (roomId === '') return 'INVALID_ROOM';
    if (username === '') return 'INVALID_USERNAME';
    if (socket.data.username === undefined) {
      if (names.has(username)) return 'INVALID_USERNAME';
      names.add(username);
      socket.data.username = username;
    } else if (socket.data.username !== username) return 'INVALID_USERNAME';
    if (socket.rooms.has(roomId)) return 'ALREADY_IN_ROOM';
    return undefined;
  }

  function onJoin(socket: Socket, { roomId, username }: JoinRequest, ack: Ack): void {
    const problem =
      typeof roomId === 'string' && typeof username === 'string'
        ? joinProblem(socket, roomId, username)
        : 'UNKNOWN_MESSAGE';
    if (problem !== undefined || typeof roomId !== 'string') {
      ack({ type: 'error', code: problem });
      return;
    }
    socket.to(roomId).emit('user_joined', { roomId, username });
    socket.join(roomId);
    ack({ type: 'joined', roomId, users: usersIn(roomId) });
  }

  function onMessage(socket: Socket, { roomId, text }: SayRequest): void {
    if (typeof roomId !== 'string' || !socket.rooms.has(roomId)) return;
    if (typeof text !== 'string' || text.trim() === '') return;
    const from = socket.data.username as string;
    io.to(roomId).emit('message', { roomId, from, text, timestamp: Date.now() });
  }

  io.on('connection', (socket) => {
    socket.on('join', (request: JoinRequest, ack: Ack) => onJoin(socket, request, ack));
    socket.on('message', (request: SayRequest) => onMessage(socket, request));
    socket.on('leave', ({ roomId }: { roomId?: unknown }) => {
      if (typeof roomId !== 'string' || !socket.rooms.has(roomId)) return;
      socket.leave(roomId);
      io.to(roomId).emit('user_left', { roomId, username: socket.data.username });
    });
    socket.on('disconnecting', () => {
      for (const roomId of socket.rooms) {
        if (roomId !== socket.id) {
          socket.to(roomId).emit('user_left', { roomId, username: socket.data.username });
        }
      }
    });
    socket.on('disconnect', () => names.delete(socket.data.username));
  });

  await new Promise<void>((resolve) => http.listen(0, HOST, resolve));
  const { port } = http.address() as AddressInfo;
  return {
    endpoints: { socketio: `http://${HOST}:${port}` },
    connections: () => io.engine.clientsCount,
  };
}
