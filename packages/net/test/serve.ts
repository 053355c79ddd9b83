/** A TCP server for tests: on a free port of 127.0.0.1, closed after each test. */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach } from 'vitest';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server on a free port that hands each accepted socket to the test. */
export async function serve(): Promise<{
  server: Server;
  port: number;
  accepted: () => Promise<Socket>;
}> {
  const server = createServer();
  const queue: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else queue.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  servers.push(server);
  const accepted = () =>
    new Promise<Socket>((resolve) => {
      const socket = queue.shift();
      if (socket) resolve(socket);
      else waiting.push(resolve);
    });
  return { server, port, accepted };
}
