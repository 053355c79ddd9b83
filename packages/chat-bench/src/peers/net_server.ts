/**
 * The telnet ceiling: a bare node:net line server speaking the same lines as otp-chat's telnet
 * side for what the load does: a greeting, a name, the lobby, `name: text` lines to everyone
 * else, notices when people come and go. One room (the lobby), no commands, no flood limit,
 * no line-length limit, no bound on what waits for a slow reader. A line is formatted into
 * bytes once, and those bytes are written to every other member.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { HOST, type Peer } from './peer.ts';

const LOBBY = 'lobby';

export async function startNetServer(): Promise<Peer> {
  /** The lobby's members, by socket, with their names. */
  const lobby = new Map<Socket, string>();
  const names = new Set<string>();

  function broadcast(text: string, except?: Socket): void {
    const bytes = Buffer.from(`${text}\r\n`);
    for (const member of lobby.keys()) if (member !== except) member.write(bytes);
  }

  function login(socket: Socket, name: string): boolean {
    if (name === '' || /\s/.test(name) || names.has(name)) {
      socket.write(`Sorry, that name cannot be had.\r\nWhat is your name?\r\n`);
      return false;
    }
    names.add(name);
    socket.write(`Hello ${name}! Type /help for the commands.\r\n`);
    broadcast(`* ${name} joined ${LOBBY}`);
    const others = [...lobby.values()];
    lobby.set(socket, name);
    socket.write(
      others.length === 0
        ? `You joined ${LOBBY}; nobody else is here.\r\n`
        : `You joined ${LOBBY} with ${others.join(', ')}.\r\n`,
    );
    return true;
  }

  const server = createServer({ noDelay: true }, (socket) => {
    let name: string | undefined;
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.write('Welcome to otp-chat!\r\nWhat is your name?\r\n');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end).replace(/\r$/, '');
        buffered = buffered.slice(end + 1);
        if (name === undefined) {
          if (login(socket, line.trim())) name = line.trim();
        } else if (line === '/quit') {
          socket.end('Bye!\r\n');
        } else if (line.trim() !== '' && !line.startsWith('/')) {
          broadcast(`${name}: ${line}`, socket);
        }
        end = buffered.indexOf('\n');
      }
    });
    socket.on('close', () => {
      if (name === undefined) return;
      lobby.delete(socket);
      names.delete(name);
      broadcast(`* ${name} left ${LOBBY}`);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoints: { telnet: port },
    connections: () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
  };
}
