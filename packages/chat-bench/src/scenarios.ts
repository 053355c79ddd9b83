/**
 * The five scenarios as plans: which rooms, how many clients in each, how fast each room
 * talks, which servers run it and over which protocol.
 */
import type { Transport } from './clients/client.ts';
import { TELNET_ROOM } from './clients/telnet_client.ts';
import type { ScenarioKey, Sizes } from './options.ts';
import type { ServerName } from './peers/peer.ts';

export interface RoomPlan {
  readonly name: string;
  readonly members: number;
  /** Messages a second said in the room, all senders together. */
  readonly rate: number;
}

interface ScenarioBase {
  readonly key: ScenarioKey;
  readonly title: string;
  /** The servers that run it, each with the protocol its clients speak. */
  readonly servers: ReadonlyArray<readonly [ServerName, Transport]>;
}

/** Clients in rooms, some of them talking at a fixed total rate: throughput and latency. */
export interface LoadScenario extends ScenarioBase {
  readonly kind: 'load';
  readonly rooms: readonly RoomPlan[];
}

/** Connections that join rooms and say nothing: memory per connection. */
export interface IdleScenario extends ScenarioBase {
  readonly kind: 'idle';
  readonly rooms: readonly RoomPlan[];
}

/**
 * Step 08 stores every message before it broadcasts it; this measures what that costs against
 * step 07, the same server without storage: the messages a second it persists when clients send
 * as fast as they are answered (the flood rooms, one client each), and the latency it adds at
 * a fixed rate (the latency rooms, every member talking).
 */
export interface PersistenceScenario extends ScenarioBase {
  readonly kind: 'persistence';
  /** Every room, the latency rooms and then the flood rooms: what the clients join. */
  readonly rooms: readonly RoomPlan[];
  /** The rooms that talk at the fixed rate (`persistRate` in all). */
  readonly latencyRooms: readonly RoomPlan[];
  /** The rooms of one client each that flood (their rate is 0: the fixed-rate run skips them). */
  readonly floodRooms: readonly RoomPlan[];
  /** The server every other one is compared with: step 07, without storage. */
  readonly baseline: ServerName;
}

export type Scenario = LoadScenario | IdleScenario | PersistenceScenario;

/** The persistence scenario's servers: step 07 (the baseline), then step 08 on each engine. */
export const PERSISTENCE_SERVERS = [
  ['otp-chat', 'json'],
  ['otp-chat-08-sqlite', 'json'],
  ['otp-chat-08-pg', 'json'],
] as const;

/**
 * The persistence scenario's rooms. Latency: as many clients as it takes for none to say more
 * than `senderRate` at `persistRate` in all, in rooms of `persistRoomSize` (the last one
 * smaller), every one of them talking, each room's rate in proportion to its members. Flood:
 * `floodRooms` rooms of one client.
 */
export function persistencePlan(sizes: Sizes): PersistenceScenario {
  const talkers = Math.max(1, Math.ceil(sizes.persistRate / sizes.senderRate));
  const latencyRooms = roomsOf('persist', talkers, sizes.persistRoomSize, 0).map((room) => ({
    ...room,
    rate: (sizes.persistRate * room.members) / talkers,
  }));
  const floodRooms = roomsOf('flood', sizes.floodRooms, 1, 0);
  return {
    key: 'persistence',
    kind: 'persistence',
    title:
      `persistence: step 08 (SQLite, PostgreSQL) against step 07; throughput: ${sizes.floodRooms} ` +
      `clients in rooms of their own, ${sizes.floodWindow} messages unanswered each; latency: ` +
      `${sizes.persistRate} msg/s in ${latencyRooms.length} rooms of ${sizes.persistRoomSize}`,
    servers: PERSISTENCE_SERVERS,
    rooms: [...latencyRooms, ...floodRooms],
    latencyRooms,
    floodRooms,
    baseline: 'otp-chat',
  };
}

const WEB_SERVERS = [
  ['otp-chat', 'json'],
  ['ws', 'json'],
  ['socket.io', 'socketio'],
] as const;
/** Where messages flow, step 06 too: what the newest step's history costs per delivery. */
const LOAD_SERVERS = [...WEB_SERVERS, ['otp-chat-06', 'json']] as const;
const TELNET_SERVERS = [
  ['otp-chat', 'telnet'],
  ['net', 'telnet'],
] as const;

/** `count` clients in rooms of `size` (the last one smaller if need be). */
function roomsOf(prefix: string, count: number, size: number, rate: number): RoomPlan[] {
  const rooms: RoomPlan[] = [];
  for (let placed = 0; placed < count; placed += size) {
    rooms.push({
      name: `${prefix}${rooms.length + 1}`,
      members: Math.min(size, count - placed),
      rate,
    });
  }
  return rooms;
}

export function scenarioPlan(key: ScenarioKey, sizes: Sizes): Scenario {
  switch (key) {
    case 'persistence':
      return persistencePlan(sizes);
    case 'fanout':
      return {
        key,
        kind: 'load',
        title: `fan-out: 1 room of ${sizes.fanoutClients} WebSocket clients, ${sizes.fanoutRate} msg/s`,
        servers: LOAD_SERVERS,
        rooms: [{ name: TELNET_ROOM, members: sizes.fanoutClients, rate: sizes.fanoutRate }],
      };
    case 'rooms':
      return {
        key,
        kind: 'load',
        title: `many rooms: ${sizes.rooms} rooms of ${sizes.roomSize}, ${sizes.roomRate} msg/s each`,
        servers: LOAD_SERVERS,
        rooms: roomsOf('room', sizes.rooms * sizes.roomSize, sizes.roomSize, sizes.roomRate),
      };
    case 'idle':
      return {
        key,
        kind: 'idle',
        title: `idle: ${sizes.idleConnections} WebSocket connections in rooms of ${sizes.idleRoomSize}`,
        servers: WEB_SERVERS,
        rooms: roomsOf('idle', sizes.idleConnections, sizes.idleRoomSize, 0),
      };
    case 'telnet':
      return {
        key,
        kind: 'load',
        title: `telnet fan-out: 1 room of ${sizes.telnetClients} TCP clients, ${sizes.telnetRate} msg/s`,
        servers: TELNET_SERVERS,
        rooms: [{ name: TELNET_ROOM, members: sizes.telnetClients, rate: sizes.telnetRate }],
      };
  }
}

/** How many clients a plan has in all. */
export function clientCount(rooms: readonly RoomPlan[]): number {
  return rooms.reduce((sum, room) => sum + room.members, 0);
}

/** The same plan with at most `max` clients, the last rooms cut first. */
export function capClients(rooms: readonly RoomPlan[], max: number): RoomPlan[] {
  const capped: RoomPlan[] = [];
  let left = max;
  for (const room of rooms) {
    if (left <= 0) break;
    capped.push({ ...room, members: Math.min(room.members, left) });
    left -= room.members;
  }
  return capped;
}
