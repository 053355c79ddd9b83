/**
 * Which web pages may open a WebSocket to the server: the defence against cross-site WebSocket
 * hijacking. A browser lets any page open a WebSocket to any address, 127.0.0.1 included, and
 * sends the page's origin along; it is the server's job to refuse pages that are not its own.
 *
 * The server's own origins are worked out from the address it listens on, never from the
 * request's Host header: a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends
 * `Host: evil.example` and `Origin: http://evil.example` together, so the two matching proves
 * nothing. Any other origin (a TLS proxy in front, another site of yours) is named in a list.
 *
 * A request without an Origin header is let through: browsers always send one with a
 * WebSocket handshake, so it comes from a program (ws, a test, curl), which no page controls.
 */
import { hostname, networkInterfaces } from 'node:os';
import { hostInUrl } from './listen_address.js';

export class OriginPolicy {
  /** The host names and addresses a browser may use for this server, as URLs spell them. */
  private readonly ownHosts: ReadonlySet<string>;
  private readonly extra: ReadonlySet<string>;

  /**
   * The policy of a server listening on `host`, serving its page over plain HTTP, that also
   * takes pages from `extra` origins (`https://chat.example.com`); throws a RangeError on an
   * `extra` that is no origin, so that a typo stops the server from starting.
   */
  constructor(host: string, extra: readonly string[] = []) {
    this.ownHosts = new Set(
      hostsServing(host).map((name) => new URL(`http://${hostInUrl(name)}`).hostname),
    );
    this.extra = new Set(extra.map(originOf));
  }

  /** The origins allowed for a page served at `port`, as they are compared. */
  origins(port: number): string[] {
    return [...[...this.ownHosts].map((name) => originOf(`http://${name}:${port}`)), ...this.extra];
  }

  /**
   * Whether a handshake with this Origin header (undefined: none) may go on, the page being
   * served at `port`.
   */
  allows(origin: string | undefined, port: number): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(originOf(origin));
    } catch {
      // `null` (a sandboxed frame, a file:// page) and anything that is not an origin.
      return false;
    }
    if (this.extra.has(url.origin)) return true;
    const pagePort = url.port === '' ? 80 : Number(url.port);
    return url.protocol === 'http:' && pagePort === port && this.ownHosts.has(url.hostname);
  }
}

/**
 * A comma-separated list of origins (`https://chat.example.com`; empty for none), as a setting
 * gives it; throws a RangeError that names a bad entry.
 */
export function originList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) originOf(entry);
  return entries;
}

/** An origin as the browser serializes it: lower case, the default port left out. */
function originOf(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  const bare = url !== undefined && url.pathname === '/' && url.search === '' && url.hash === '';
  if (!bare || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '') {
    throw new RangeError(`not an origin: '${text}' (use http(s)://host[:port], no path)`);
  }
  return url.origin;
}

/** The names a browser may use for a server listening at `host`. */
function hostsServing(host: string): string[] {
  if (host === '0.0.0.0' || host === '::') {
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined)
      // Link-local IPv6 addresses need a zone, which no URL can carry.
      .filter((address) => address.family === 'IPv4' || (host === '::' && !address.scopeid))
      .map((address) => address.address);
    return [...addresses, 'localhost', hostname()];
  }
  if (host === 'localhost') return ['localhost', '127.0.0.1', '::1'];
  if (host === '::1' || host.startsWith('127.')) return [host, 'localhost'];
  return [host];
}
