/**
 * The server's settings, with the defaults a person at `nc` gets. Tests shorten the timeouts
 * and lower the limits to reach them quickly; nothing else differs.
 */

import {
  DEFAULT_ROOM_LIMITS,
  MAX_LISTED_ROOMS,
  MAX_ROOMS_PER_USER,
  type RoomLimits,
} from '@otp-chat/chat';

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
  /** How many messages a second a room passes on, all its members together, sustained... */
  readonly roomMessagesPerSecond: number;
  /** ...and at once; a message over the rate is dropped, its sender told (RATE_LIMITED). */
  readonly roomMessageBurst: number;
  /**
   * How many messages may wait unread in a member's mailbox when a room sends it one more;
   * past that the room drops the member, which is disconnected (with maxOutboundBytes, what
   * waits for a client is bounded: in its mailbox, then in its socket).
   */
  readonly maxQueuedEvents: number;
  /** How many rooms one user may be in at once. */
  readonly maxRoomsPerUser: number;
  /** The most rooms one listing shows; the rest come a page at a time. */
  readonly maxListedRooms: number;
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
  roomMessagesPerSecond: DEFAULT_ROOM_LIMITS.messagesPerSecond,
  roomMessageBurst: DEFAULT_ROOM_LIMITS.messageBurst,
  maxQueuedEvents: DEFAULT_ROOM_LIMITS.maxQueuedEvents,
  maxRoomsPerUser: MAX_ROOMS_PER_USER,
  maxListedRooms: MAX_LISTED_ROOMS,
  idleTimeoutMs: 0,
  maxConnections: 10_000,
  maxConnectionsPerIp: 16,
  ipCapExempt: ['127.0.0.0/8', '::1'],
};
// #endregion config

/** The rooms' limits in `config`, as ChatSupervisor takes them. */
export function roomLimits(config: ChatConfig): RoomLimits {
  return {
    messagesPerSecond: config.roomMessagesPerSecond,
    messageBurst: config.roomMessageBurst,
    maxQueuedEvents: config.maxQueuedEvents,
  };
}

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
  if (exempt !== undefined) settings.ipCapExempt = list(exempt);
  Object.assign(settings, roomSettings(flags, env));
  return settings;
}

/** A comma-separated list; an empty one is no entries. */
function list(value: string | boolean): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The rooms' limits: `--room-rate` (CHAT_ROOM_RATE) and `--room-burst` (CHAT_ROOM_BURST), the
 * messages a second a room passes on; `--max-queued` (CHAT_MAX_QUEUED), the messages that may
 * wait unread for one member; `--max-rooms` (CHAT_MAX_ROOMS), the rooms one user may be in;
 * `--max-listed-rooms` (CHAT_MAX_LISTED_ROOMS), the most rooms one listing shows.
 */
function roomSettings(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): Partial<ChatConfig> {
  const settings: { -readonly [K in keyof ChatConfig]?: ChatConfig[K] } = {};
  const rate = flags['room-rate'] ?? env.CHAT_ROOM_RATE;
  if (rate !== undefined) settings.roomMessagesPerSecond = positive('room rate', rate);
  const burst = flags['room-burst'] ?? env.CHAT_ROOM_BURST;
  if (burst !== undefined) settings.roomMessageBurst = positive('room burst', burst);
  const queued = flags['max-queued'] ?? env.CHAT_MAX_QUEUED;
  if (queued !== undefined) settings.maxQueuedEvents = positive('max queued', queued);
  const rooms = flags['max-rooms'] ?? env.CHAT_MAX_ROOMS;
  if (rooms !== undefined) settings.maxRoomsPerUser = positive('max rooms', rooms);
  const listed = flags['max-listed-rooms'] ?? env.CHAT_MAX_LISTED_ROOMS;
  if (listed !== undefined) settings.maxListedRooms = positive('max listed rooms', listed);
  return settings;
}

function positive(what: string, value: string | boolean, least = 1): number {
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || number < least) {
    throw new RangeError(`not a ${what}: '${value}' (use a whole number of ${least} or more)`);
  }
  return number;
}
// #endregion timings
