/**
 * A Socket.IO client that speaks the wire protocol itself, over the same `ws` client the JSON
 * load uses, so that the load costs about as much per message whichever server it measures.
 * (`socket.io-client` costs the load worker about twice what a bare WebSocket client does per
 * message, and on 2 cores that made Socket.IO's capacity a floor set by the load.)
 *
 * What goes over the WebSocket, one Engine.IO 4 packet per frame, its type the first character:
 * `0{...}` open (the server's first frame), `2` ping (answered `3`), `1` close, `4...` a
 * Socket.IO 5 packet, whose type is the next character: `0` connect (`40` asks to join the main
 * namespace, `40{"sid":...}` is the answer), `2` an event (`42["message",{...}]`; `421[...]`
 * when it wants acknowledgement number 1), `3` an acknowledgement (`431[{...}]`), `4` a refused
 * connect, `1` a disconnect. As before: WebSocket straight away, no long-polling first, a
 * connection per client, no reconnection, so that a drop shows as a drop.
 */
import { WebSocket } from 'ws';
import {
  type ClientEvents,
  type ClientPlan,
  CONNECT_TIMEOUT_MS,
  type LoadClient,
} from './client.ts';

/** The acknowledgement id the join asks for: the client's only request with an answer. */
const JOIN_ACK = 1;

export function connectSocketIo(
  url: string,
  plan: ClientPlan,
  events: ClientEvents,
): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(engineUrl(url), {
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    });
    let joined = false;
    let closing = false;
    const emit = (name: string, data: object, ack = '') =>
      ws.send(`42${ack}${JSON.stringify([name, data])}`);
    const client: LoadClient = {
      say: (text) => emit('message', { roomId: plan.room, text }),
      close: () => {
        closing = true;
        ws.terminate();
      },
    };
    const join = () => emit('join', { roomId: plan.room, username: plan.name }, `${JOIN_ACK}`);
    const joinAnswered = (answer: { type?: string; code?: string } | undefined) => {
      if (answer?.type !== 'joined') reject(new Error(`join refused: ${answer?.code}`));
      else {
        joined = true;
        resolve(client);
      }
    };
    const handlers = { connected: join, event: events, joinAnswered, reject };
    ws.on('message', (data) => {
      const packet = String(data);
      if (packet[0] === '0') ws.send('40');
      else if (packet[0] === '2') ws.send('3');
      else if (packet[0] === '4') {
        events.frame();
        socketPacket(packet, handlers);
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

/** The WebSocket address of a Socket.IO server at `url` (http://host:port). */
function engineUrl(url: string): string {
  const address = new URL('/socket.io/', url.replace(/^http/, 'ws'));
  address.search = 'EIO=4&transport=websocket';
  return address.href;
}

interface PacketHandlers {
  connected(): void;
  event: ClientEvents;
  joinAnswered(answer: { type?: string; code?: string } | undefined): void;
  reject(error: Error): void;
}

/** One Socket.IO packet (`4` and its type, then its data), on the main namespace. */
function socketPacket(packet: string, on: PacketHandlers): void {
  switch (packet[1]) {
    case '0':
      on.connected();
      break;
    case '2': {
      const [name, data] = JSON.parse(packet.slice(2)) as [string, { from: string; text: string }];
      if (name === 'message') on.event.message(data.from, data.text);
      break;
    }
    case '3': {
      const id = /^43(\d+)/.exec(packet)?.[1] ?? '';
      if (id !== `${JOIN_ACK}`) break;
      const [answer] = JSON.parse(packet.slice(2 + id.length)) as [{ type?: string }];
      on.joinAnswered(answer);
      break;
    }
    case '4':
      on.reject(new Error(`connect refused: ${packet.slice(2)}`));
      break;
  }
}
