/**
 * A Socket.IO client, as its documentation has one: WebSocket transport straight away (no
 * long-polling first), a connection of its own (`forceNew`: without it, clients to one URL
 * share a single connection), and no reconnection, so that a drop shows as a drop.
 */
import { io } from 'socket.io-client';
import {
  type ClientEvents,
  type ClientPlan,
  CONNECT_TIMEOUT_MS,
  type LoadClient,
} from './client.ts';

export function connectSocketIo(
  url: string,
  plan: ClientPlan,
  events: ClientEvents,
): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    let joined = false;
    let closing = false;
    const client: LoadClient = {
      say: (text) => socket.emit('message', { roomId: plan.room, text }),
      close: () => {
        closing = true;
        socket.disconnect();
      },
    };
    socket.on('connect', () =>
      socket.emit(
        'join',
        { roomId: plan.room, username: plan.name },
        (answer: { type: string; code?: string }) => {
          if (answer.type !== 'joined') return reject(new Error(`join refused: ${answer.code}`));
          joined = true;
          resolve(client);
        },
      ),
    );
    socket.onAny(() => events.frame());
    socket.on('message', ({ from, text }: { from: string; text: string }) =>
      events.message(from, text),
    );
    socket.on('connect_error', (error) => reject(error));
    socket.on('disconnect', () => {
      if (!joined) reject(new Error('closed before joining'));
      else if (!closing) events.closed();
    });
  });
}
