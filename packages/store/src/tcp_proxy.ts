/**
 * A TCP proxy between a test and PostgreSQL, to cut the line on purpose (tests only, through
 * `@otp-chat/store/testing`). It listens on 127.0.0.1 (a free port) and forwards each
 * connection to the target.
 *
 * - `cut()`: destroys every open connection (both ends) and refuses new ones: each is closed as
 *   soon as it is accepted, as a server that is down would be.
 * - `cut({ silent: true })`: the same for open connections, but a new one is accepted and never
 *   answered, as a line whose packets are dropped: only a client's own timeout ends the wait.
 * - `cutOn(match)`: the line stays up until a client sends a chunk that `match` accepts; that
 *   chunk is dropped, never forwarded, and the line is cut (as `cut()`). To cut in the middle of
 *   a transaction, at its COMMIT.
 * - `restore()`: accepts and forwards again.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  cut(options?: { silent?: boolean }): void;
  cutOn(match: (chunk: Buffer) => boolean): void;
  restore(): void;
  /** Connections accepted so far, refused ones included. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: 'open' | 'refuse' | 'silent' = 'open';
  let trigger: ((chunk: Buffer) => boolean) | null = null;
  let accepted = 0;
  const open = new Set<Socket>();

  const cut = (silent = false) => {
    mode = silent ? 'silent' : 'refuse';
    trigger = null;
    for (const socket of open) socket.destroy();
    open.clear();
  };

  const server: Server = createServer((client) => {
    accepted++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    if (mode === 'silent') return; // held, never answered (destroyed at restore)
    const upstream = connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk: Buffer) => {
      if (trigger?.(chunk)) cut();
      else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy: no port');

  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    cut: (options) => cut(options?.silent ?? false),
    cutOn(match) {
      trigger = match;
    },
    restore() {
      // Connections held by a silent cut go: a client that still waits on one sees it close.
      if (mode === 'silent') for (const socket of open) socket.destroy();
      mode = 'open';
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
