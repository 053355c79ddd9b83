/**
 * A WebSocket as a port (see Port in @otp-chat/otp), as socket_port.ts does for a TCP socket:
 * the owner gets messages and pongs as port messages, with flow control (ws 8 pauses and resumes
 * a WebSocket, and with it the TCP socket under it), and the WebSocket closes when the owner
 * exits.
 */
import {
  type Pid,
  Port,
  type PortActive,
  type PortCodec,
  type PortDecoder,
  type PortOutput,
  type PortSource,
  type SourceEvents,
} from '@otp-chat/otp';

/** A message's payload as ws gives it. */
export type RawData = Buffer | ArrayBuffer | Buffer[];

// #region events
/**
 * What a WebSocket port delivers: a text message, a binary one, the answer to a ping, or a
 * ping from the peer (ws has answered it already). Control frames are delivered so that a
 * codec can count them: a stream of pings costs the server a pong each, like any other input.
 */
export type WebSocketEvent =
  | readonly ['text', text: string]
  | readonly ['binary', data: RawData]
  | readonly ['pong']
  | readonly ['ping'];

// #endregion events

/**
 * Every event as it arrives, unchanged: the codec to judge them with (a flood rule, say), as
 * telnetLines is for the lines of a socket.
 */
export const webSocketEvents: PortCodec<WebSocketEvent, WebSocketEvent> = (out) =>
  new EveryEvent(out);

/** The decoder of webSocketEvents: an object with a method, not an object and a closure. */
class EveryEvent implements PortDecoder<WebSocketEvent> {
  constructor(private readonly out: PortOutput<WebSocketEvent>) {}

  data(event: WebSocketEvent): void {
    this.out.push(event);
  }
}

/** The parts of a ws WebSocket (version 8 or later) a port uses. */
export interface PortableWebSocket {
  // Listeners get the WebSocket as `this`, as an EventEmitter calls them.
  on(
    event: 'message',
    listener: (this: PortableWebSocket, data: RawData, isBinary: boolean) => void,
  ): unknown;
  on(event: 'pong' | 'ping', listener: (this: PortableWebSocket) => void): unknown;
  on(event: 'error', listener: (this: PortableWebSocket, error: Error) => void): unknown;
  on(event: 'close', listener: (this: PortableWebSocket, code: number) => void): unknown;
  pause(): void;
  resume(): void;
  terminate(): void;
  readonly readyState: number;
  readonly CLOSING: number;
}

// #region source
/**
 * A WebSocket as a port source; the port's `closed` notice carries the close code. Closing it
 * (its owner exited) cuts the connection at once, unless the owner started the closing
 * handshake itself (a goodbye, then `ws.close()`): ws then finishes it, or cuts the connection
 * if the peer does not answer in time.
 */
export function webSocketSource(ws: PortableWebSocket): PortSource<WebSocketEvent> {
  return new WebSocketSource(ws);
}

/**
 * An object with methods, not one with a closure each: a port calls its source's methods as
 * methods, and a server holds a port per connection.
 */
class WebSocketSource implements PortSource<WebSocketEvent> {
  constructor(private readonly ws: PortableWebSocket) {}

  subscribe(events: SourceEvents<WebSocketEvent>): void {
    const ws = this.ws;
    portEvents.set(ws, events);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('ping', onPing);
    // A frame over maxPayload, a protocol violation, a reset: ws closes the connection itself.
    ws.on('error', onError);
    ws.on('close', onClose);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(): void {
    if (this.ws.readyState !== this.ws.CLOSING) this.ws.terminate();
  }
}

/**
 * The listeners are the same five functions for every WebSocket: an emitter calls a listener
 * with itself as `this`, and each WebSocket finds its port's events here. Five closures and
 * their context per connection cost more than a weak map's entry.
 */
const portEvents = new WeakMap<PortableWebSocket, SourceEvents<WebSocketEvent>>();

function eventsOf(ws: PortableWebSocket): SourceEvents<WebSocketEvent> {
  return portEvents.get(ws) as SourceEvents<WebSocketEvent>;
}

function onMessage(this: PortableWebSocket, data: RawData, isBinary: boolean): void {
  eventsOf(this).data(isBinary ? ['binary', data] : ['text', String(data)]);
}

function onPong(this: PortableWebSocket): void {
  eventsOf(this).data(PONG);
}

function onPing(this: PortableWebSocket): void {
  eventsOf(this).data(PING);
}

function onError(this: PortableWebSocket, error: Error): void {
  eventsOf(this).error(error);
}

function onClose(this: PortableWebSocket, code: number): void {
  eventsOf(this).close(code);
}

/** Control frames carry nothing the owner reads: one event each, shared. */
const PONG: WebSocketEvent = Object.freeze(['pong'] as const);
const PING: WebSocketEvent = Object.freeze(['ping'] as const);

// #endregion source

export interface WebSocketPortOptions<Out> {
  /** The process that owns the WebSocket: the caller by default. */
  readonly owner?: Pid;
  /** `false` by default: nothing is read until the owner calls `Port.setActive`. */
  readonly active?: PortActive;
  /** Decodes and judges each event as it arrives (parses JSON, applies the flood rule...). */
  readonly codec?: PortCodec<WebSocketEvent, Out>;
}

/** Opens a port on a WebSocket. */
export function openWebSocketPort<Out = WebSocketEvent>(
  ws: PortableWebSocket,
  options: WebSocketPortOptions<Out> = {},
): Port<Out> {
  return Port.open(webSocketSource(ws), options);
}
