/**
 * A client of the step-06 JSON protocol over a WebSocket (otp-chat and the raw ws server):
 * connects, joins its room, then says texts and reports what arrives.
 */
import { WebSocket } from 'ws';
import {
  type ClientEvents,
  type ClientPlan,
  CONNECT_TIMEOUT_MS,
  type LoadClient,
} from './client.ts';

export function connectJson(
  url: string,
  plan: ClientPlan,
  events: ClientEvents,
): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    });
    let joined = false;
    let closing = false;
    const client: LoadClient = {
      say: (text) => ws.send(JSON.stringify({ type: 'message', roomId: plan.room, text })),
      close: () => {
        closing = true;
        ws.terminate();
      },
    };
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'join', roomId: plan.room, username: plan.name })),
    );
    ws.on('message', (data) => {
      events.frame();
      const message = JSON.parse(String(data)) as {
        type: string;
        from?: string;
        text?: string;
        code?: string;
      };
      if (message.type === 'message') events.message(message.from!, message.text!);
      else if (message.type === 'joined' && !joined) {
        joined = true;
        resolve(client);
      } else if (message.type === 'error') {
        if (joined) events.error(message.code!);
        else reject(new Error(`join refused: ${message.code}`));
      }
    });
    ws.on('error', (error) => {
      if (!joined) reject(error);
    });
    ws.on('close', () => {
      if (!joined) reject(new Error('closed before joining'));
      else if (!closing) events.closed();
    });
  });
}
