/**
 * A telnet client (otp-chat's telnet side and the raw node:net server): gives its name at the
 * prompt, lands in the lobby, then says lines and reports the `name: text` lines that arrive.
 * Only the lobby: it is the room every telnet user enters.
 */
import { connect } from 'node:net';
import { HOST } from '../peers/peer.ts';
import {
  type ClientEvents,
  type ClientPlan,
  CONNECT_TIMEOUT_MS,
  type LoadClient,
} from './client.ts';

export const TELNET_ROOM = 'lobby';

export function connectTelnet(
  port: number,
  plan: ClientPlan,
  events: ClientEvents,
): Promise<LoadClient> {
  if (plan.room !== TELNET_ROOM) throw new Error(`telnet clients talk in ${TELNET_ROOM} only`);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port, noDelay: true });
    socket.setEncoding('utf8');
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error('connect timed out')));
    let state: 'greeting' | 'joining' | 'in' = 'greeting';
    let closing = false;
    let buffered = '';
    const client: LoadClient = {
      say: (text) => socket.write(`${text}\r\n`),
      close: () => {
        closing = true;
        socket.destroy();
      },
    };
    const onLine = (line: string) => {
      events.frame();
      if (state === 'in') {
        // `name: text`; notices start with `* ` and never have a name before a colon.
        const colon = line.indexOf(': ');
        if (colon > 0 && !line.startsWith('* ')) {
          events.message(line.slice(0, colon), line.slice(colon + 2));
        } else if (line.startsWith('error:')) events.error(line);
      } else if (state === 'greeting' && line === 'What is your name?') {
        state = 'joining';
        socket.write(`${plan.name}\r\n`);
      } else if (state === 'joining' && line.startsWith(`You joined ${TELNET_ROOM}`)) {
        state = 'in';
        socket.setTimeout(0);
        resolve(client);
      } else if (state === 'joining' && line.startsWith('Sorry')) {
        reject(new Error(`name refused: ${line}`));
      }
    };
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        onLine(buffered.slice(0, end).replace(/\r$/, ''));
        buffered = buffered.slice(end + 1);
        end = buffered.indexOf('\n');
      }
    });
    socket.on('error', (error) => {
      if (state !== 'in') reject(error);
    });
    socket.on('close', () => {
      if (state !== 'in') reject(new Error('closed before joining'));
      else if (!closing) events.closed();
    });
  });
}
