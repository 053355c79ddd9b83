/**
 * The server under test: step 06 as a user runs it (`startChat` with its default settings: the
 * flood limit, the outbound bound, the heartbeat, the frame limit), on free ports. It speaks
 * both the JSON protocol over WebSockets and telnet lines, to the same rooms.
 */
import { CONNECTIONS, startChat } from '@otp-chat/06-websocket-chat';
import { DynamicSupervisor } from '@otp-chat/otp';
import { HOST, type Peer } from './peer.ts';

export async function startOtpChat(): Promise<Peer> {
  const chat = await startChat({ host: HOST, port: 0, webPort: 0 });
  return {
    endpoints: { json: chat.wsUrl, telnet: chat.port },
    // Every connection, telnet or WebSocket, is a child of the connection supervisor.
    connections: async () => (await DynamicSupervisor.countChildren(CONNECTIONS)).active,
  };
}
