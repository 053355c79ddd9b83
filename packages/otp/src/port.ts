/**
 * Ports: a process owns a Node event source (a socket, a WebSocket, a child process's output,
 * any stream) the way an Erlang process owns a port.
 *
 * - What the source emits arrives as messages in the owner's mailbox, each tagged with its port:
 *   `{ type: 'data', port, data }`, then `end`, `error` and `closed` notices, in order.
 * - The source is closed when the owner exits, however it exits (a return, a crash, a kill),
 *   synchronously, before the exit signal that ended it returns.
 * - Flow control, as gen_tcp's `{active, N}`: the port delivers at most N data messages, then
 *   pauses the source and sends a `passive` notice; the owner asks for N more with
 *   `Port.setActive(port, N)` when it handles that notice, so at most N wait unread. `true`
 *   delivers everything (no flow control), `'once'` one message at a time without notices, and
 *   `false` nothing until the owner asks.
 * - A codec runs synchronously as each event arrives, before anything is queued: it decodes
 *   (a line codec turns chunks into lines, each line a data message that counts against N) and
 *   judges (a flood rule, a line length), and may close the port at once.
 *
 * The owner writes to its source itself: a port carries what comes in.
 */
import { inspect } from 'node:util';
import { reportCrash } from './crash.js';
import { BadArgError } from './errors.js';
import { Pid } from './pid.js';
import { actingProc, deliver, offExit, onExit, type Proc, procOf } from './process.js';

/** What a port needs of an event source: its events, and pause, resume and close. */
export interface PortSource<In> {
  /** Called once, as the port opens: the source calls these as its events happen. */
  subscribe(events: SourceEvents<In>): void;
  /** Stops data events until `resume` (the owner has as much unread as it asked for). */
  pause(): void;
  resume(): void;
  /** Closes the source: its owner exited, or closed the port. Called at most once. */
  close(): void;
}

/**
 * The events a source reports to its port, called as methods (`events.data(chunk)`): one
 * small object per port, not a closure per event, since a server holds a port per connection.
 * A source that hands them to an emitter wraps them (see `streamSource`).
 */
export interface SourceEvents<In> {
  data(chunk: In): void;
  /** The peer will send no more (a half-close): a codec may flush what it holds. */
  end(): void;
  error(error: unknown): void;
  /** The source has closed; `detail` (a WebSocket's close code, say) reaches the owner. */
  close(detail?: unknown): void;
}

/**
 * Decodes and judges a source's data as it arrives. Given the port's output, it returns the
 * handlers for what arrives: `data` may push any number of items (each one data message) or
 * close the port; `end` may push what is left (a last line without its line end).
 */
export type PortCodec<In, Out> = (out: PortOutput<Out>) => PortDecoder<In>;

/** A codec's handlers, for one port: called as methods, so a class instance may be one. */
export interface PortDecoder<In> {
  data(chunk: In): void;
  end?(): void;
  /**
   * The port paused its source (flow control), then resumed it. Meanwhile the peer went on
   * sending into the kernel's buffers, and that arrives at once on resume: a rule judged on
   * arrival (a flood rule) must not blame the peer for the time the port did not read.
   */
  paused?(): void;
  resumed?(): void;
}

/** Where a codec puts what it decoded. */
export interface PortOutput<Out> {
  /** One item for the owner: a data message, counted against the active count. */
  push(item: Out): void;
  /**
   * Closes the port now (a rule broken on arrival): the source is closed and nothing more is
   * read; what was pushed before still reaches the owner, then `closed` with `reason`.
   */
  close(reason?: unknown): void;
}

/**
 * How many data messages the port may deliver before it pauses its source: a count (then a
 * `passive` notice), `true` (all, no flow control), `'once'` (one, then passive without a
 * notice), or `false` (none).
 */
export type PortActive = number | boolean | 'once';

export interface PortOptions<In, Out> {
  /** The process that owns the port: the caller by default. */
  readonly owner?: Pid;
  /** `false` by default: nothing is delivered until `Port.setActive`. */
  readonly active?: PortActive;
  /** Decodes and judges data as it arrives; without one, each chunk is one data message. */
  readonly codec?: PortCodec<In, Out>;
}

/** What a port sends its owner. */
export type PortMessage<T = unknown> =
  | { readonly type: 'data'; readonly port: Port<T>; readonly data: T }
  /** The port delivered its count and paused its source: `Port.setActive` for more. */
  | { readonly type: 'passive'; readonly port: Port<T> }
  /** The peer will send no more; the source may still be written to. */
  | { readonly type: 'end'; readonly port: Port<T> }
  | { readonly type: 'error'; readonly port: Port<T>; readonly error: unknown }
  /** The source is closed: the last message of the port. */
  | { readonly type: 'closed'; readonly port: Port<T>; readonly reason: unknown };

/** What `Port.info` tells about an open port. */
export interface PortInfo {
  readonly owner: Pid;
  readonly active: PortActive;
  /** Data decoded but not delivered yet: it waits for `Port.setActive`. */
  readonly queued: number;
  /** Whether the source is paused. */
  readonly paused: boolean;
}

let nextPortId = 1;

/**
 * A port: the handle of an event source owned by a process, printed as `#Port<0.N>`. The class
 * also holds the API: `Port.open`, `Port.setActive`, `Port.close`, `Port.connect`, `Port.info`,
 * `Port.isMessage`, `Port.judged` and `Port.streamSource`.
 */
export class Port<T = unknown> {
  static readonly open = open;
  static readonly close = close;
  static readonly setActive = setActive;
  static readonly connect = connect;
  static readonly info = info;
  static readonly isMessage = isMessage;
  static readonly judged = judged;
  static readonly streamSource = streamSource;

  readonly id = nextPortId++;
  /** @internal */
  owner: Proc | null = null;
  /** @internal What may still be delivered: a count, Infinity for `true`. */
  credit = 0;
  /** @internal `'once'`: no passive notice, and `info` says once. */
  once = false;
  /** @internal Messages held back by flow control, oldest first from `head`. */
  pending: Array<PortMessage<T>> = [];
  /** @internal */
  head = 0;
  /** @internal */
  paused = false;
  /** @internal `open` while the source runs; `done` once it has ended or closed; `closed`. */
  state: 'open' | 'done' | 'closed' = 'open';
  /** @internal */
  source: PortSource<unknown> | null = null;
  /** @internal The codec's handlers, or null to pass chunks on as they are. */
  decoder: PortDecoder<unknown> | null = null;
  /** @internal Closes the port when its owner exits. */
  readonly ownerExited = (): void => closeSource(this);

  toString(): string {
    return `#Port<0.${this.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// Opening and closing

/**
 * Opens a port on `source` for the caller (or `options.owner`). A source opened for a process
 * that has already exited is closed at once, and the port with it.
 */
export function open<In, Out = In>(
  source: PortSource<In>,
  options: PortOptions<In, Out> = {},
): Port<Out> {
  const port = new Port<Out>();
  port.source = source as PortSource<unknown>;
  const owner = ownerFor(options.owner);
  if (owner === null) {
    // Nobody alive to own it: as if opened, then closed by its owner's exit.
    port.state = 'closed';
    source.close();
    return port;
  }
  port.owner = owner;
  onExit(owner, port.ownerExited);
  setCredit(port, options.active ?? false);
  const codec = options.codec;
  port.decoder = codec === undefined ? null : (codec(new CodecOutput(port)) as Port['decoder']);
  source.subscribe(new PortEvents(port));
  if (port.credit === 0) pauseSource(port);
  return port;
}

/** What a source reports, to its port: an object with methods, not four closures. */
class PortEvents<In> implements SourceEvents<In> {
  constructor(private readonly port: Port) {}

  data(chunk: In): void {
    arrived(this.port, chunk);
  }

  end(): void {
    ended(this.port);
  }

  error(error: unknown): void {
    failed(this.port, error);
  }

  close(detail?: unknown): void {
    sourceClosed(this.port, detail);
  }
}

/** Where a codec puts what it decoded: its port. An object with methods, not two closures. */
class CodecOutput<Out> implements PortOutput<Out> {
  constructor(private readonly port: Port<Out>) {}

  push(item: Out): void {
    pushData(this.port, item);
  }

  close(reason?: unknown): void {
    closeFromCodec(this.port, reason);
  }
}

function ownerFor(owner: Pid | undefined): Proc | null {
  if (owner === undefined) return actingProc('Port.open');
  if (!(owner instanceof Pid)) throw new BadArgError(`Port.open: ${inspect(owner)} is not a pid`);
  return actingProc('Port.open') === null ? null : procOf(owner);
}

/** Closes the port and its source; the owner gets no more messages from it (not even `closed`). */
export function close(port: Port): void {
  if (actingProc('Port.close', port) === null) return;
  closeSource(port);
}

/** The owner exited, or closed the port: close the source and forget the owner. */
function closeSource(port: Port): void {
  if (port.state === 'closed') return;
  const { owner, state } = port;
  finish(port);
  if (state !== 'open') return; // the source has closed already
  try {
    port.source?.close();
  } catch (error) {
    // Runs in an exit hook: a source that fails to close must not stop the exit.
    const pid = owner?.pid as Pid;
    reportCrash({
      kind: 'process',
      pid,
      name: undefined,
      reason: error,
      context: `closing ${port}`,
    });
  }
}

/** The port is done: nothing more is delivered, and its owner no longer holds it. */
function finish(port: Port): void {
  port.state = 'closed';
  port.pending = [];
  port.head = 0;
  port.decoder = null;
  if (port.owner !== null) offExit(port.owner, port.ownerExited);
  port.owner = null;
}

// ---------------------------------------------------------------------------------------------
// Events from the source

function arrived(port: Port, chunk: unknown): void {
  if (port.state !== 'open') return;
  if (port.decoder === null) pushData(port, chunk);
  else decode(port, port.decoder, 'data', chunk);
}

function ended(port: Port): void {
  if (port.state !== 'open') return;
  const decoder = port.decoder;
  if (decoder?.end !== undefined) decode(port, decoder, 'end', undefined);
  if (port.state !== 'open') return; // the codec closed the port
  notify(port, { type: 'end', port });
}

/**
 * Runs a codec on what arrived. A codec that throws is a bug, or input it could not take: it
 * must not take the node down from a source's callback, so the port closes with the error as
 * the reason, after what was pushed before it.
 */
function decode(
  port: Port,
  decoder: PortDecoder<unknown>,
  step: 'data' | 'end',
  chunk: unknown,
): void {
  try {
    // Called as a method: a decoder may be a class instance.
    if (step === 'data') decoder.data(chunk);
    else decoder.end?.();
  } catch (error) {
    closeFromCodec(port, error);
  }
}

function failed(port: Port, error: unknown): void {
  if (port.state !== 'open') return;
  notify(port, { type: 'error', port, error });
}

function sourceClosed(port: Port, detail: unknown): void {
  if (port.state !== 'open') return; // closed by the owner or a codec: nothing more to say
  port.state = 'done';
  notify(port, { type: 'closed', port, reason: detail });
}

/** A codec broke a rule on arrival: stop reading now, and tell the owner after what it pushed. */
function closeFromCodec(port: Port, reason: unknown): void {
  if (port.state !== 'open') return;
  port.state = 'done';
  try {
    port.source?.close();
  } finally {
    notify(port, { type: 'closed', port, reason });
  }
}

// ---------------------------------------------------------------------------------------------
// Delivery and flow control

function pushData<T>(port: Port<T>, data: T): void {
  if (port.state !== 'open') return; // a codec pushing after it closed the port
  const message: PortMessage<T> = { type: 'data', port, data };
  if (port.head === port.pending.length && port.credit > 0) deliverData(port, message);
  else hold(port, message);
}

/** A notice (end, error, closed) goes out after the data held before it. */
function notify<T>(port: Port<T>, message: PortMessage<T>): void {
  if (port.head === port.pending.length) deliverNotice(port, message);
  else hold(port, message);
}

function hold<T>(port: Port<T>, message: PortMessage<T>): void {
  port.pending.push(message);
  pauseSource(port);
}

function deliverData<T>(port: Port<T>, message: PortMessage<T>): void {
  deliver(port.owner as Proc, message);
  if (port.credit === Number.POSITIVE_INFINITY || --port.credit > 0) return;
  pauseSource(port);
  if (!port.once) deliver(port.owner as Proc, { type: 'passive', port });
}

function deliverNotice<T>(port: Port<T>, message: PortMessage<T>): void {
  const owner = port.owner as Proc;
  if (message.type === 'closed') finish(port);
  deliver(owner, message);
}

/** Delivers what flow control held back, as far as the credit goes; resumes when all is out. */
function pump(port: Port): void {
  while (port.head < port.pending.length) {
    const message = port.pending[port.head] as PortMessage;
    if (message.type === 'data') {
      if (port.credit === 0) return;
      port.head++;
      deliverData(port, message);
    } else {
      port.head++;
      deliverNotice(port, message);
      if (port.state === 'closed') return;
    }
  }
  port.pending = [];
  port.head = 0;
  if (port.credit > 0) resumeSource(port);
}

function pauseSource(port: Port): void {
  if (port.paused || port.state !== 'open') return;
  port.paused = true;
  port.source?.pause();
  port.decoder?.paused?.();
}

function resumeSource(port: Port): void {
  if (!port.paused || port.state !== 'open') return;
  port.paused = false;
  port.decoder?.resumed?.();
  port.source?.resume();
}

function setCredit(port: Port, active: PortActive): void {
  port.once = active === 'once';
  if (active === true) port.credit = Number.POSITIVE_INFINITY;
  else if (active === false) port.credit = 0;
  else if (active === 'once') port.credit = 1;
  else if (Number.isInteger(active) && active > 0) port.credit = active;
  else
    throw new BadArgError(`Port: active must be a count > 0, true, false or 'once', got ${active}`);
}

/**
 * Sets how many more data messages the port may deliver (see `PortActive`), delivering first what
 * it held back. An owner that asks for N when it handles the `passive` notice never has more
 * than N unread.
 */
export function setActive(port: Port, active: PortActive): void {
  if (actingProc('Port.setActive', port) === null || port.state === 'closed') return;
  setCredit(port, active);
  if (port.credit === 0) pauseSource(port);
  else pump(port);
}

// ---------------------------------------------------------------------------------------------
// Ownership and inspection

/**
 * Makes `pid` the port's owner, as `gen_tcp:controlling_process`: only the owner may give it
 * away. Its messages still in the old owner's mailbox move to the new one, in order, ahead of
 * the ones that follow. The port now closes when the new owner exits.
 */
export function connect(
  port: Port,
  pid: Pid,
): 'ok' | readonly ['error', 'not_owner' | 'closed' | 'noproc'] {
  const caller = actingProc('Port.connect', port);
  if (caller === null || port.state === 'closed') return ['error', 'closed'];
  if (caller !== port.owner) return ['error', 'not_owner'];
  const next = procOf(pid);
  if (next === null) return ['error', 'noproc'];
  offExit(caller, port.ownerExited);
  onExit(next, port.ownerExited);
  port.owner = next;
  for (const message of caller.mailbox.takeAll((m) => isMessage(m, port))) deliver(next, message);
  return 'ok';
}

/** The owner, flow-control state and held-back data of an open port; undefined once closed. */
export function info(port: Port): PortInfo | undefined {
  if (port.state === 'closed' || port.owner === null) return undefined;
  const { credit } = port;
  let active: PortActive = credit > 0 && credit;
  if (port.once) active = credit > 0 && 'once';
  else if (credit === Number.POSITIVE_INFINITY) active = true;
  const queued = port.pending.slice(port.head).filter((m) => m.type === 'data').length;
  return { owner: port.owner.pid, active, queued, paused: port.paused };
}

/** True for a message from `port` (or from any port, without one). */
export function isMessage<T>(message: unknown, port?: Port<T>): message is PortMessage<T> {
  const from = (message as { port?: unknown } | null)?.port;
  return port === undefined ? from instanceof Port : from === port;
}

/**
 * A codec that judges each item `codec` decodes as it arrives, before it is queued: `judge`
 * pushes it on (`out.push`), drops it, pushes something else, or closes the port (a flood
 * rule broken, say). The judge sees every item, however far behind the owner is.
 */
export function judged<In, Out, Judged = Out>(
  codec: PortCodec<In, Out>,
  judge: (item: Out, out: PortOutput<Judged>) => void,
): PortCodec<In, Judged> {
  return (out) => codec({ push: (item) => judge(item, out), close: (reason) => out.close(reason) });
}

// ---------------------------------------------------------------------------------------------
// A source for any Node stream

/** The parts of a Node Readable (a socket, a child process's stdout) a port uses. */
export interface ReadableLike<In> {
  on(event: 'data', listener: (chunk: In) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(): unknown;
}

/** A port source for a Node Readable stream; closing it destroys the stream. */
export function streamSource<In>(stream: ReadableLike<In>): PortSource<In> {
  return {
    subscribe(events) {
      stream.on('data', (chunk) => events.data(chunk));
      stream.on('end', () => events.end());
      stream.on('error', (error) => events.error(error));
      stream.on('close', () => events.close());
    },
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    close: () => stream.destroy(),
  };
}
