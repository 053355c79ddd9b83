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
import { isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /**
   * The origins of a page served over plain HTTP at `host`:`port`, and `extra` origins
   * (`https://chat.example.com`); throws a RangeError on an `extra` that is no origin.
   */
  constructor(host: string, port: number, extra: readonly string[] = []) {
    const own = hostsServing(host).map((name) => `http://${inUrl(name)}:${port}`);
    this.allowed = new Set([...own, ...extra].map(originOf));
  }

  /** The origins allowed, as they are compared. */
  get origins(): readonly string[] {
    return [...this.allowed];
  }

  /** Whether a handshake with this Origin header (undefined: none) may go on. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    try {
      return this.allowed.has(originOf(origin));
    } catch {
      // `null` (a sandboxed frame, a file:// page) and anything that is not an origin.
      return false;
    }
  }
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

function inUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}
