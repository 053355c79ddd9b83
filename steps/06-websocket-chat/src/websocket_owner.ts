/**
 * How a process owns a WebSocket, as socket_owner.ts does for a TCP socket: what happens on the
 * WebSocket becomes messages in the owner's mailbox, and the WebSocket closes when the owner
 * exits, however it exits.
 */
import { type Pid, Process, self, send } from '@otp-chat/otp';
import type { RawData, WebSocket } from 'ws';
import { asProcess } from './socket_owner.ts';

// #region messages
/** What the WebSocket sends its owner. */
export type WebSocketMessage =
  /** A text frame, already checked to be valid UTF-8 by ws. */
  | readonly ['ws_text', text: string]
  /** A binary frame: this protocol has none, so only the fact is passed on. */
  | readonly ['ws_binary']
  /** The answer to a ping. */
  | readonly ['ws_pong']
  /** The connection closed (or broke); `code` is the WebSocket close code. */
  | readonly ['ws_closed', code: number];
// #endregion messages

// #region receive
/**
 * Makes the calling process the WebSocket's reader. The listener paused the WebSocket when it
 * was accepted, so no frame was read before this process listened; it resumes it here.
 */
export function receiveFrames(ws: WebSocket): void {
  const owner = self();
  const tell = (message: WebSocketMessage) => send(owner, message);
  ws.on(
    'message',
    asProcess(owner, (data: RawData, isBinary: boolean) =>
      tell(isBinary ? ['ws_binary'] : ['ws_text', String(data)]),
    ),
  );
  ws.on(
    'pong',
    asProcess(owner, () => tell(['ws_pong'])),
  );
  ws.on(
    'close',
    asProcess(owner, (code: number) => tell(['ws_closed', code])),
  );
  ws.resume();
}
// #endregion receive

// #region close
/**
 * Ties the WebSocket's life to the process `owner`. If the owner started the closing
 * handshake (a goodbye, then `ws.close()`), the handshake is left to finish: ws destroys the
 * socket if the peer does not answer in time (the server's `closeTimeout`). Otherwise (a
 * crash, a kill, a client that does not read or answer pings) it is cut at once.
 */
export function closeWebSocketWhenExits(owner: Pid, ws: WebSocket): void {
  // A frame over maxPayload, a protocol violation, a reset: ws reports the error, closes the
  // connection itself, and 'close' follows. Without a listener, Node would throw.
  ws.on('error', ignore);
  Process.onExit(owner, () => {
    if (ws.readyState !== ws.CLOSING) ws.terminate();
  });
}
// #endregion close

function ignore(): void {}
