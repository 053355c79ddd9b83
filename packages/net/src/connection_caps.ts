/**
 * Connection caps: how many connections the server holds in all, and how many from one
 * address. Judged the moment a socket is accepted, before any process or buffer is spent on
 * it; a socket admitted counts until it closes, whatever closes it.
 *
 * ```ts
 * const caps = new ConnectionCaps({ maxConnections: 10_000, maxPerAddress: 16 });
 * server.on('connection', (socket) => {
 *   const refusal = caps.admit(socket);
 *   if (refusal !== undefined) return refuseSocket(socket, caps.explain(refusal));
 *   ...
 * });
 * ```
 *
 * One instance serves every listener of a server (telnet and HTTP), so the total is the
 * server's. It is shared state read and written by the listeners, as an ETS table of counters
 * would be on the BEAM: a count, not a process, so admission never waits for a mailbox.
 *
 * As ergo does, IPv6 clients are counted by their /64 (one home or one cloud machine gets a
 * whole /64, so a per-address cap alone would stop nobody), and some addresses may be exempt
 * from the per-address cap (loopback by default: a reverse proxy, the tests and a learner's
 * terminals all connect from there). The total cap has no exemption.
 */
import type { Server as HttpServer } from 'node:http';
import { BlockList, isIPv4, isIPv6, type Socket } from 'node:net';

/** Why a connection is refused: the server holds its total, or the client's address does. */
export type ConnectionRefusal = 'server_full' | 'address_full';

export interface ConnectionCapsOptions {
  /** The most connections the server holds at once, every listener together. */
  readonly maxConnections: number;
  /** The most connections from one IPv4 address or one IPv6 /64. */
  readonly maxPerAddress: number;
  /**
   * Addresses and subnets free of the per-address cap (`127.0.0.0/8`, `::1`, `10.1.2.3`).
   * Loopback by default.
   */
  readonly exempt?: readonly string[];
}

/** Loopback, as ergo exempts `localhost` by default. */
export const LOOPBACK = ['127.0.0.0/8', '::1'] as const;

export class ConnectionCaps {
  private total = 0;
  /** Open connections by address key (see `addressKey`); a key at zero is deleted. */
  private readonly perAddress = new Map<string, number>();
  private readonly exempt: BlockList;

  constructor(private readonly options: ConnectionCapsOptions) {
    this.exempt = blockList(options.exempt ?? LOOPBACK);
  }

  /** Connections held now, every listener together. */
  get count(): number {
    return this.total;
  }

  /** Connections held now from `address`'s key (its IPv4 address or IPv6 /64). */
  countFrom(address: string): number {
    return this.perAddress.get(addressKey(address)) ?? 0;
  }

  /**
   * Admits `socket`, counted until it closes; or says why not, and counts nothing (the caller
   * tells the client, and closes it).
   */
  admit(socket: Socket): ConnectionRefusal | undefined {
    if (this.total >= this.options.maxConnections) return 'server_full';
    const address = socket.remoteAddress;
    // A socket that was reset before it was accepted has no address: it is closed already.
    if (address === undefined) return 'server_full';
    const key = this.isExempt(address) ? undefined : addressKey(address);
    const held = key === undefined ? 0 : (this.perAddress.get(key) ?? 0);
    if (key !== undefined && held >= this.options.maxPerAddress) return 'address_full';
    this.total++;
    if (key !== undefined) this.perAddress.set(key, held + 1);
    // `on`, not `once`: a socket closes once, and once's wrapper costs two objects more.
    socket.on('close', () => this.release(key));
    return undefined;
  }

  /** A line for the client refused, the limit it met included; the same on every transport. */
  explain(refusal: ConnectionRefusal): string {
    const { maxConnections: total } = this.options;
    return refusal === 'server_full'
      ? `the server is full (${total} connection${total === 1 ? '' : 's'}); try again later`
      : `too many connections from your address (at most ${this.options.maxPerAddress}); ` +
          'close one and try again';
  }

  private release(key: string | undefined): void {
    this.total--;
    if (key === undefined) return;
    const held = this.perAddress.get(key)! - 1;
    if (held === 0) this.perAddress.delete(key);
    else this.perAddress.set(key, held);
  }

  private isExempt(address: string): boolean {
    const plain = withoutMappedPrefix(address);
    return this.exempt.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  }
}

/**
 * What a client is counted under: its IPv4 address, or the first 64 bits of its IPv6 address
 * (`2001:db8:1:2::/64`). An IPv4 client of a dual-stack listener (`::ffff:1.2.3.4`) is
 * counted as the IPv4 address it is.
 */
export function addressKey(address: string): string {
  const plain = withoutMappedPrefix(address);
  if (!isIPv6(plain)) return plain;
  const groups = ipv6Groups(plain).slice(0, 4);
  return `${groups.map((group) => group.toString(16)).join(':')}::/64`;
}

function withoutMappedPrefix(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped === null ? address : mapped[1]!;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` expanded, a zone left out). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.replace(/%.*$/, '').split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').flatMap(group));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** One group, or the two groups a trailing dotted IPv4 part stands for. */
function group(text: string): number[] {
  if (!text.includes('.')) return [Number.parseInt(text, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/**
 * A comma-separated list of addresses and subnets (`10.0.0.0/8, ::1`; empty for none), as a
 * setting gives it; throws a RangeError that names a bad entry.
 */
export function addressList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  blockList(entries);
  return entries;
}

/** Addresses (`::1`) and subnets (`127.0.0.0/8`) as a BlockList; throws on a bad one. */
function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.trim().split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    if (type === undefined) throw new RangeError(`not an IP address or subnet: '${entry}'`);
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, subnetPrefix(entry, prefix, type), type);
  }
  return list;
}

function subnetPrefix(entry: string, prefix: string, type: 'ipv4' | 'ipv6'): number {
  const bits = Number(prefix);
  if (!/^\d+$/.test(prefix) || bits > (type === 'ipv4' ? 32 : 128)) {
    throw new RangeError(`not an IP address or subnet: '${entry}'`);
  }
  return bits;
}

/** How long a refused client has to take its refusal before its socket is destroyed. */
const REFUSAL_LINGER_MS = 1000;

/**
 * Refuses a socket a listener accepted: writes `line` and closes. What the client sends is read
 * and thrown away, so that its own close is seen and nothing is left unread to turn our close
 * into a reset (which could lose the line); a client that keeps its side open is cut after a
 * second, so refused sockets cannot pile up either.
 */
export function refuseSocket(socket: Socket, line: string): void {
  socket.on('error', () => {});
  socket.setTimeout(REFUSAL_LINGER_MS, () => socket.destroy());
  socket.on('end', () => socket.destroy());
  socket.resume();
  socket.end(`${line}\r\n`);
}

/**
 * Counts every connection `server` accepts against `caps`, from the moment it is accepted, idle
 * or not: 20,000 sockets that never send a request would otherwise use up the file descriptors.
 * A refused one is kept just long enough to answer its first request (HTTP 503, or a WebSocket
 * closed with 1013, which a page's script can see: it sees no status when a handshake fails).
 * Returns what the request handlers ask: why a request's socket was refused, or undefined.
 */
export function admitHttp(
  server: HttpServer,
  caps: ConnectionCaps,
): (socket: Socket) => string | undefined {
  const refusals = new WeakMap<Socket, string>();
  server.on('connection', (socket: Socket) => {
    const refusal = caps.admit(socket);
    if (refusal === undefined) return;
    refusals.set(socket, caps.explain(refusal));
    socket.setTimeout(REFUSAL_LINGER_MS, () => socket.destroy());
  });
  return (socket) => refusals.get(socket);
}
