/**
 * A listening server's address as a client writes it. A server may listen on every interface
 * (`0.0.0.0`, `::`), but nobody dials that: browsers refuse it outright, so a ready line or a
 * URL names the loopback instead, which reaches the same server from the same machine.
 */
import { isIPv6 } from 'node:net';

/** The host a client on this machine dials to reach a server listening at `host`. */
export function dialHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
export function hostInUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}
