/**
 * The server under test: the newest step (07: rooms keep history) as a user runs it
 * (`startChat` with its default settings: the flood limit, the outbound bound, the heartbeat,
 * the frame limit, history kept; all but the connection cap and the room rate, see below), on
 * free ports. It speaks both the JSON protocol over WebSockets and telnet lines, to the same
 * rooms. `startOtpChat('06')` starts step 06 alike: the same server before history, and
 * `startOtpChat('08', setup)` step 08, which stores every message (in the database `setup.store`
 * names) before it broadcasts it.
 *
 * As in the tests, `OTP_CHAT_IMPL=<dir>` puts another implementation in the newest step's
 * place: the server is `<dir>/src/index.ts` (a learner's step, or a copy of the step with a
 * change to try).
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamicSupervisor } from '@otp-chat/otp';
import { HOST, type Peer, type PeerSetup } from './peer.ts';

type Step =
  | typeof import('@otp-chat/07-history-presence')
  | typeof import('@otp-chat/06-websocket-chat')
  | typeof import('@otp-chat/08-persistence');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

async function implementation(step: '06' | '07' | '08'): Promise<Step> {
  if (step === '06') return import('@otp-chat/06-websocket-chat');
  if (step === '08') return import('@otp-chat/08-persistence');
  const dir = process.env.OTP_CHAT_IMPL;
  if (!dir) return import('@otp-chat/07-history-presence');
  const entry = join(isAbsolute(dir) ? dir : resolve(root, dir), 'src', 'index.ts');
  return (await import(pathToFileURL(entry).href)) as Step;
}

export async function startOtpChat(
  step: '06' | '07' | '08' = '07',
  setup: PeerSetup = {},
): Promise<Peer> {
  const { CONNECTIONS, startChat } = await implementation(step);
  if (step === '08' && setup.store === undefined)
    throw new Error('step 08 needs a database: setup.store');
  // Two policies are lifted, as an operator would set them for such a load; the bare servers
  // have neither. The cap on connections (10,000 by default) would refuse half of the idle
  // scenario's, which measures what a connection costs, not where the server stops taking them.
  // A room's message rate (50 a second, bursts of 100, by default) is what fan-out offers at its
  // fixed rate (50 messages a second to 1,000 members): every capacity step above it would end
  // in RATE_LIMITED refusals, a limit of the settings, not of the server. The persistence
  // scenario lifts the flood rule too (20 lines a second per connection), on every step alike:
  // its throughput clients send as fast as they are answered.
  const flood = setup.noFloodRule ? { linesPerSecond: 1_000_000, lineBurst: 1_000_000 } : {};
  const store =
    setup.store === undefined
      ? {}
      : { dataDir: setup.store.dataDir, databaseUrl: setup.store.databaseUrl ?? '' };
  const chat = await startChat({
    host: HOST,
    port: 0,
    webPort: 0,
    maxConnections: 1_000_000,
    roomMessagesPerSecond: 1_000_000,
    roomMessageBurst: 1_000_000,
    ...flood,
    ...store,
  });
  return {
    endpoints: { json: chat.wsUrl, telnet: chat.port },
    // Every connection, telnet or WebSocket, is a child of the connection supervisor.
    connections: async () => (await DynamicSupervisor.countChildren(CONNECTIONS)).active,
  };
}
