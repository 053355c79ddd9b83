/**
 * The command line: `pnpm start` (or `tsx src/main.ts`) with `--host`, `--port` and
 * `--web-port`, or the CHAT_HOST, CHAT_PORT and CHAT_WEB_PORT environment variables. Ctrl-C or
 * SIGTERM stops the server cleanly: every user on either transport is told, then their
 * connections close.
 */
import { parseArgs } from 'node:util';
import { captureCrashReports, printCrashReport } from '@otp-chat/otp';
import { type Chat, hostInUrl, startChat } from './application.ts';
import { type ChatConfig, listenAddress, tunedSettings } from './config.ts';

const USAGE = `usage: pnpm start [--host <address>] [--port <port>] [--web-port <port>]
  --host       the address to listen on (default 127.0.0.1; env CHAT_HOST)
  --port       the telnet port, 0 for any free one (default 8080; env CHAT_PORT)
  --web-port   the web page and WebSocket port, 0 for any free one (default 4000; env CHAT_WEB_PORT)
  --name-timeout-ms  how long a telnet client has to give a name (default 60000; env CHAT_NAME_TIMEOUT_MS)
  --heartbeat-ms     how often a WebSocket is pinged; no pong by the next ping drops it
                     (default 30000; env CHAT_HEARTBEAT_MS)
  --max-unread       how many lines or frames of a client may wait unread before its socket is
                     paused (default 32; env CHAT_MAX_UNREAD)
  --idle-timeout-ms  how long a named user may send nothing before being closed; 0 for never
                     (default 0; env CHAT_IDLE_TIMEOUT_MS)
  --max-connections  the most connections at once, telnet and web together
                     (default 10000; env CHAT_MAX_CONNECTIONS)
  --max-per-ip       the most connections from one IP address (an IPv6 /64)
                     (default 16; env CHAT_MAX_PER_IP)
  --ip-exempt        addresses and subnets free of the per-IP cap, comma-separated, empty for
                     none (default 127.0.0.0/8,::1; env CHAT_IP_EXEMPT)
  --allowed-origins  web origins besides the page's own whose pages may use the WebSocket,
                     comma-separated (default none; env CHAT_ALLOWED_ORIGINS)
  --room-rate        messages a second one room passes on, all members together
                     (default 50; env CHAT_ROOM_RATE)
  --room-burst       ...and at once (default 100; env CHAT_ROOM_BURST)
  --max-queued       messages that may wait unread for one member before its room drops it
                     (default 1000; env CHAT_MAX_QUEUED)
  --max-rooms        rooms one user may be in at once (default 100; env CHAT_MAX_ROOMS)
  --max-listed-rooms the most rooms one listing shows (default 100; env CHAT_MAX_LISTED_ROOMS)`;

async function main(): Promise<void> {
  let address: { host: string; port: number; webPort: number };
  let tuned: Partial<ChatConfig>;
  try {
    const { values } = parseArgs({
      args: flags(process.argv.slice(2)),
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'web-port': { type: 'string' },
        'name-timeout-ms': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'max-unread': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-per-ip': { type: 'string' },
        'ip-exempt': { type: 'string' },
        'room-rate': { type: 'string' },
        'room-burst': { type: 'string' },
        'max-queued': { type: 'string' },
        'max-rooms': { type: 'string' },
        'max-listed-rooms': { type: 'string' },
        'allowed-origins': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    tuned = tunedSettings(values, process.env);
    address = listenAddress({ ...values, webPort: values['web-port'] }, process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // A start that fails makes each supervisor on the way up report it: one line says it better.
  const reports = captureCrashReports();
  let server: Chat;
  try {
    server = await startChat({ ...address, ...tuned });
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
    return;
  } finally {
    reports.restore();
  }
  for (const report of reports.reports) printCrashReport(report);
  // Before saying it is ready: a Ctrl-C that follows the ready line at once must find the
  // clean shutdown in place, not Node's default, which ends the process on the spot.
  stopOnSignal(server);
  const { host, port, webPort } = server;
  console.log(`chat server listening on ${host}:${port} — connect with: nc ${host} ${port}`);
  console.log(
    `web chat on http://${hostInUrl(host)}:${webPort}/chat.html (WebSocket: ${server.wsUrl})`,
  );
}

function stopOnSignal(server: Chat): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.log('stopping now');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: telling everyone and shutting down (again to force)`);
    await server.stop();
    console.log('chat server stopped');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();

/** `pnpm start -- --port 0` passes the `--` on; it only separates pnpm's flags from ours. */
function flags(argv: string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : argv;
}
