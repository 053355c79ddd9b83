/**
 * The server's settings, with the defaults a person at `nc` gets. Tests shorten the timeouts
 * and lower the limits to reach them quickly; nothing else differs.
 */

import { addressList } from '@otp-chat/net';

// #region config
export interface ChatConfig {
  /** Where the listener accepts connections. */
  readonly host: string;
  /** 0 picks a free port; `ChatServer.port` tells which. */
  readonly port: number;
  /** The room everyone enters after giving a name. */
  readonly defaultRoom: string;
  /** How long a new connection has to give a valid name before it is closed. */
  readonly nameTimeoutMs: number;
  /** The longest line accepted, in bytes; a longer one is dropped with an error. */
  readonly maxLineBytes: number;
  /** How many lines a second a client may send, sustained... */
  readonly linesPerSecond: number;
  /** ...and how many at once, in a burst. */
  readonly lineBurst: number;
  /** How many bytes may wait to be sent to a client that does not read before it is dropped. */
  readonly maxOutboundBytes: number;
  /**
   * How many lines a client has sent may wait unread in its connection's mailbox; past that,
   * its socket is paused and TCP makes the client wait (flow control, as gen_tcp's active N).
   */
  readonly maxUnreadInputs: number;
  /** How long a named user may send nothing before being closed; 0 never closes them. */
  readonly idleTimeoutMs: number;
  /** The most connections held at once. */
  readonly maxConnections: number;
  /** The most connections from one IPv4 address or one IPv6 /64. */
  readonly maxConnectionsPerIp: number;
  /** Addresses and subnets free of the per-IP cap (a reverse proxy's, say). */
  readonly ipCapExempt: readonly string[];
}

export const defaultConfig: ChatConfig = {
  host: '127.0.0.1',
  port: 8080,
  defaultRoom: 'lobby',
  nameTimeoutMs: 60_000,
  maxLineBytes: 4096,
  linesPerSecond: 20,
  lineBurst: 40,
  maxOutboundBytes: 256 * 1024,
  maxUnreadInputs: 32,
  idleTimeoutMs: 0,
  maxConnections: 10_000,
  maxConnectionsPerIp: 16,
  ipCapExempt: ['127.0.0.0/8', '::1'],
};
// #endregion config

/**
 * The host and port from the command line (`--host`, `--port`) or else the environment
 * (`CHAT_HOST`, `CHAT_PORT`). Throws a RangeError with a message for the user on a bad port.
 */
export function listenAddress(
  flags: { host?: string | undefined; port?: string | undefined },
  env: Record<string, string | undefined>,
): { host: string; port: number } {
  const host = flags.host ?? env.CHAT_HOST ?? defaultConfig.host;
  const portText = flags.port ?? env.CHAT_PORT;
  return { host, port: portText === undefined ? defaultConfig.port : parsePort(portText) };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new RangeError(`not a port: '${text}' (use 0-65535; 0 picks a free port)`);
  }
  return port;
}

// #region timings
/**
 * The timings and limits an operator (or a test) may change, from the command line or else the
 * environment: `--name-timeout-ms` (CHAT_NAME_TIMEOUT_MS), `--max-unread` (CHAT_MAX_UNREAD),
 * `--idle-timeout-ms` (CHAT_IDLE_TIMEOUT_MS, 0 for never), `--max-connections`
 * (CHAT_MAX_CONNECTIONS), `--max-per-ip` (CHAT_MAX_PER_IP) and the comma-separated list
 * `--ip-exempt` (CHAT_IP_EXEMPT, empty for none). Only those given are set. Throws a RangeError
 * with a message for the user on a number out of range.
 */
export function tunedSettings(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): Partial<ChatConfig> {
  const settings: { -readonly [K in keyof ChatConfig]?: ChatConfig[K] } = {};
  const nameTimeout = flags['name-timeout-ms'] ?? env.CHAT_NAME_TIMEOUT_MS;
  if (nameTimeout !== undefined) settings.nameTimeoutMs = positive('name timeout', nameTimeout);
  const maxUnread = flags['max-unread'] ?? env.CHAT_MAX_UNREAD;
  if (maxUnread !== undefined) settings.maxUnreadInputs = positive('max unread', maxUnread);
  const idle = flags['idle-timeout-ms'] ?? env.CHAT_IDLE_TIMEOUT_MS;
  if (idle !== undefined) settings.idleTimeoutMs = positive('idle timeout', idle, 0);
  const total = flags['max-connections'] ?? env.CHAT_MAX_CONNECTIONS;
  if (total !== undefined) settings.maxConnections = positive('connection cap', total);
  const perIp = flags['max-per-ip'] ?? env.CHAT_MAX_PER_IP;
  if (perIp !== undefined) settings.maxConnectionsPerIp = positive('per-IP cap', perIp);
  const exempt = flags['ip-exempt'] ?? env.CHAT_IP_EXEMPT;
  if (exempt !== undefined) settings.ipCapExempt = list(exempt, addressList);
  return settings;
}

/** A comma-separated list, each entry checked by `parse`; an empty one is no entries. */
function list(value: string | boolean, parse: (text: string) => string[]): string[] {
  return typeof value === 'string' ? parse(value) : [];
}

function positive(what: string, value: string | boolean, least = 1): number {
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || number < least) {
    throw new RangeError(`not a ${what}: '${value}' (use a whole number of ${least} or more)`);
  }
  return number;
}
// #endregion timings
