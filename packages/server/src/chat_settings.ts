/**
 * The settings every chat server from step 5 on has: where it listens, and the limits on what
 * one client may cost it. Step 6 adds its web settings to these; a new limit is one more entry.
 */
import {
  DEFAULT_ROOM_LIMITS,
  explainNameProblem,
  MAX_LISTED_ROOMS,
  MAX_ROOMS_PER_USER,
  nameProblem,
  type RoomLimits,
} from '@otp-chat/chat';
import {
  commaList,
  nonEmpty,
  portNumber,
  positiveInteger,
  type Setting,
  wholeNumber,
} from './settings.js';

// #region settings
export const chatSettings = {
  host: {
    flag: 'host',
    env: 'CHAT_HOST',
    default: '127.0.0.1',
    unit: 'address',
    parse: nonEmpty,
    why: 'the address to listen on',
  },
  port: {
    flag: 'port',
    env: 'CHAT_PORT',
    default: 8080,
    unit: 'port',
    parse: portNumber,
    why: 'the telnet port; 0 picks a free one (the ready line says which)',
  },
  defaultRoom: {
    flag: 'default-room',
    env: 'CHAT_DEFAULT_ROOM',
    default: 'lobby',
    unit: 'room',
    parse: roomName,
    why: 'the room everyone enters after giving a name',
  },
  nameTimeoutMs: {
    flag: 'name-timeout-ms',
    env: 'CHAT_NAME_TIMEOUT_MS',
    default: 60_000,
    unit: 'ms',
    parse: positiveInteger,
    why: 'how long a new telnet client has to give a valid name before it is closed',
  },
  maxLineBytes: {
    flag: 'max-line-bytes',
    env: 'CHAT_MAX_LINE_BYTES',
    default: 4096,
    unit: 'bytes',
    parse: positiveInteger,
    why: 'the longest line accepted; a longer one is dropped with an error',
  },
  linesPerSecond: {
    flag: 'lines-per-second',
    env: 'CHAT_LINES_PER_SECOND',
    default: 20,
    unit: 'lines/s',
    parse: positiveInteger,
    why: 'the flood rule: how many lines (or frames) a second a client may send, sustained...',
  },
  lineBurst: {
    flag: 'line-burst',
    env: 'CHAT_LINE_BURST',
    default: 40,
    unit: 'lines',
    parse: positiveInteger,
    why: '...and how many at once, in a burst',
  },
  maxOutboundBytes: {
    flag: 'max-outbound-bytes',
    env: 'CHAT_MAX_OUTBOUND_BYTES',
    default: 256 * 1024,
    unit: 'bytes',
    parse: positiveInteger,
    why: 'how much may wait to be sent to a client that does not read before it is dropped',
  },
  maxUnreadInputs: {
    flag: 'max-unread',
    env: 'CHAT_MAX_UNREAD',
    default: 32,
    unit: 'inputs',
    parse: positiveInteger,
    why: 'how many lines or frames of a client may wait unread before its socket is paused',
  },
  roomMessagesPerSecond: {
    flag: 'room-rate',
    env: 'CHAT_ROOM_RATE',
    default: DEFAULT_ROOM_LIMITS.messagesPerSecond,
    unit: 'messages/s',
    parse: positiveInteger,
    why: 'how many messages a second a room passes on, all its members together, sustained...',
  },
  roomMessageBurst: {
    flag: 'room-burst',
    env: 'CHAT_ROOM_BURST',
    default: DEFAULT_ROOM_LIMITS.messageBurst,
    unit: 'messages',
    parse: positiveInteger,
    why: '...and at once; a message over the rate is dropped and its sender told (RATE_LIMITED)',
  },
  maxQueuedEvents: {
    flag: 'max-queued',
    env: 'CHAT_MAX_QUEUED',
    default: DEFAULT_ROOM_LIMITS.maxQueuedEvents,
    unit: 'messages',
    parse: positiveInteger,
    why: "how many messages may wait in a member's mailbox (above --max-unread) before it is dropped",
    fitsWith: queuedAboveUnread,
  },
  maxRoomsPerUser: {
    flag: 'max-rooms',
    env: 'CHAT_MAX_ROOMS',
    default: MAX_ROOMS_PER_USER,
    unit: 'rooms',
    parse: positiveInteger,
    why: 'how many rooms one user may be in at once (TOO_MANY_ROOMS past it)',
  },
  maxListedRooms: {
    flag: 'max-listed-rooms',
    env: 'CHAT_MAX_LISTED_ROOMS',
    default: MAX_LISTED_ROOMS,
    unit: 'rooms',
    parse: positiveInteger,
    why: 'the most rooms one listing shows; the rest come a page at a time',
  },
  idleTimeoutMs: {
    flag: 'idle-timeout-ms',
    env: 'CHAT_IDLE_TIMEOUT_MS',
    default: 0,
    unit: 'ms',
    parse: wholeNumber,
    why: 'how long a named user may send nothing before being closed; 0 never closes them',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'CHAT_MAX_CONNECTIONS',
    default: 10_000,
    unit: 'connections',
    parse: positiveInteger,
    why: 'the most connections held at once, every listener together; past it one is refused',
  },
  maxConnectionsPerIp: {
    flag: 'max-per-ip',
    env: 'CHAT_MAX_PER_IP',
    default: 16,
    unit: 'connections',
    parse: positiveInteger,
    why: 'the most connections from one IPv4 address or one IPv6 /64',
  },
  ipCapExempt: {
    flag: 'ip-exempt',
    env: 'CHAT_IP_EXEMPT',
    default: ['127.0.0.0/8', '::1'] as readonly string[],
    unit: 'list',
    parse: commaList,
    why: 'addresses and subnets free of the per-IP cap (a reverse proxy), comma-separated',
  },
} as const satisfies Record<string, Setting<unknown>>;
// #endregion settings

function roomName(text: string): string {
  const problem = nameProblem(text);
  if (problem !== undefined)
    throw new RangeError(`not a room name: ${explainNameProblem(problem)}`);
  return text;
}

/**
 * A room judges a member slow by the length of its mailbox, and that mailbox holds the member's
 * own input too: up to maxUnreadInputs lines or frames its port delivered and it has not taken
 * yet (the port pauses the socket there). A bound on queued events at or below that one would
 * drop a member who reads everything but typed fast, with no room event waiting for it at all.
 */
function queuedAboveUnread(config: Readonly<Record<string, unknown>>): void {
  const { maxQueuedEvents, maxUnreadInputs } = config as {
    maxQueuedEvents: number;
    maxUnreadInputs: number;
  };
  if (maxQueuedEvents > maxUnreadInputs) return;
  const { maxQueuedEvents: queued, maxUnreadInputs: unread } = chatSettings;
  throw new RangeError(
    `--${queued.flag} (${maxQueuedEvents}) must be above --${unread.flag} (${maxUnreadInputs}): ` +
      "a member's unread input waits in the same mailbox as its room events, " +
      'so at or below it a member who reads everything could be dropped as too slow',
  );
}

/** The rooms' limits in a chat server's config, as ChatSupervisor takes them. */
export function roomLimits(config: {
  readonly roomMessagesPerSecond: number;
  readonly roomMessageBurst: number;
  readonly maxQueuedEvents: number;
}): RoomLimits {
  return {
    messagesPerSecond: config.roomMessagesPerSecond,
    messageBurst: config.roomMessageBurst,
    maxQueuedEvents: config.maxQueuedEvents,
  };
}
