/**
 * The process a server under test runs in, alone, so that its memory and CPU figures are its
 * own: `server_child.ts <server>`. It loads only that server's code, starts it on free ports,
 * tells the coordinator where it listens, then answers requests for its memory, CPU time and
 * connection count (its second argument, JSON, is a PeerSetup: see peers/peer.ts). Started with --expose-gc, so a memory reading can come after a full
 * collection. When the benchmark profiles, the server profiles its own CPU (V8's sampling
 * profiler, the one `node --cpu-prof` runs) over the measured run only, and writes the profile.
 */
import { type Peer, type PeerSetup, SERVER_NAMES, type ServerName } from './peers/peer.ts';
import { startProfile, stopProfile } from './profiler.ts';
import { type ChildReady, serveParent } from './rpc.ts';

/** What the server child says when it is ready. */
export interface ServerReady extends ChildReady {
  readonly endpoints: Peer['endpoints'];
}

/** One reading of the server's memory (bytes) and CPU time (microseconds, user + system). */
export interface ServerSample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly cpuUs: number;
  /** The part of cpuUs spent in the kernel (system calls: socket writes and reads). */
  readonly systemUs: number;
}

async function start(name: ServerName, setup: PeerSetup): Promise<Peer> {
  switch (name) {
    case 'otp-chat':
      return (await import('./peers/otp_chat.ts')).startOtpChat('07', setup);
    case 'otp-chat-06':
      return (await import('./peers/otp_chat.ts')).startOtpChat('06', setup);
    case 'otp-chat-08-sqlite':
    case 'otp-chat-08-pg':
      return (await import('./peers/otp_chat.ts')).startOtpChat('08', setup);
    case 'ws':
      return (await import('./peers/ws_server.ts')).startWsServer();
    case 'socket.io':
      return (await import('./peers/socketio_server.ts')).startSocketIoServer();
    case 'net':
      return (await import('./peers/net_server.ts')).startNetServer();
  }
}

function sample({ gc }: { gc: boolean }): ServerSample {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect !== undefined) {
    // Twice: the first collection can leave garbage that only a second one frees.
    collect();
    collect();
  }
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  return { rss, heapUsed, heapTotal, external, cpuUs: user + system, systemUs: system };
}

const name = process.argv[2] as ServerName;
if (!SERVER_NAMES.includes(name)) throw new Error(`unknown server ${name}`);
const setup = JSON.parse(process.argv[3] ?? '{}') as PeerSetup;
const peer = await start(name, setup);
serveParent(
  {
    sample,
    connections: () => peer.connections(),
    startProfile,
    stopProfile,
    exit: () => {
      setImmediate(() => process.exit(0));
    },
  },
  { endpoints: peer.endpoints, pid: process.pid, node: process.version } satisfies ServerReady,
);
