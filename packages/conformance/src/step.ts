import type { Session } from '@otp-chat/chat';
import type { Pid } from '@otp-chat/otp';
import type { WebClientClass, WebSocketClass } from './web_client.ts';

// What the suite knows of a step: its public contract, nothing of its modules or processes
// beyond the few names a test must aim at (the listener to kill, a user's connection). A step
// passes its own module (`import * as step from '<its package>'`); TypeScript checks it here.

/** The settings a test may lower to reach a limit quickly; a step ignores those it lacks. */
export interface ConformanceConfig {
  /** How many earlier messages a join shows, in a step that keeps history (7 on). */
  readonly historyReplay?: number;
  /** How many of a room's last messages it keeps (7 on). */
  readonly historyLength?: number;
  readonly port: number;
  readonly webPort: number;
  readonly nameTimeoutMs: number;
  readonly linesPerSecond: number;
  readonly lineBurst: number;
  readonly maxOutboundBytes: number;
  readonly maxFrameBytes: number;
  readonly heartbeatMs: number;
  /** Inputs that may wait unread in a connection's mailbox before its socket is paused. */
  readonly maxUnreadInputs: number;
  /** Messages a second one room passes on, all its members together, and at once. */
  readonly roomMessagesPerSecond: number;
  readonly roomMessageBurst: number;
  /** Messages that may wait unread in a member's mailbox before its room drops it. */
  readonly maxQueuedEvents: number;
  /** Rooms one user may be in at once. */
  readonly maxRoomsPerUser: number;
  /** The most rooms one listing shows. */
  readonly maxListedRooms: number;
  /** How long a named user may send nothing before being closed; 0 never. */
  readonly idleTimeoutMs: number;
  /** The most connections at once, every listener together. */
  readonly maxConnections: number;
  /** The most connections from one IP address. */
  readonly maxConnectionsPerIp: number;
  /** Addresses and subnets free of the per-IP cap; loopback by default. */
  readonly ipCapExempt: readonly string[];
  /** Origins, besides the page's own, whose pages may open a WebSocket. */
  readonly allowedOrigins: readonly string[];
}

/** A room's rate out of the way, for a test about something else that talks fast. */
export const UNLIMITED_ROOM_RATE = { roomMessagesPerSecond: 1e6, roomMessageBurst: 1e6 } as const;

/** A running server, as `startChat` resolves it. */
export interface ChatUnderTest {
  /** The telnet port: the real one, when port 0 was asked for. */
  readonly port: number;
  /** The HTTP port (page and WebSockets), for a step with a web transport. */
  readonly webPort?: number;
  /** `ws://host:webPort/ws`, for a step with a web transport. */
  readonly wsUrl?: string;
  /** Tells every user, closes every connection, resolves when all is down. */
  stop(): Promise<void>;
}

/** A command's usage line first (`/join <room>`), then what it does. */
export type CommandHelp = readonly [usage: string, ...rest: string[]];

/** The result of a step's `parseCommand`: a command and its arguments, or an error. */
export type ParsedCommand = readonly string[];

export interface StepUnderTest {
  // Every step from 05 on: a telnet chat.
  startChat(config: Partial<ConformanceConfig>): Promise<ChatUnderTest>;
  readonly MAX_NAME_LENGTH: number;
  readonly COMMANDS: readonly CommandHelp[];

  // Features `name-rules` and `command-parsing`: pure functions.
  nameProblem(name: string): string | undefined;
  explainNameProblem(problem: string): string;
  nameKey(name: string): string;
  parseCommand(line: string): ParsedCommand;

  // Feature `availability`: what a test kills, and where it looks.
  /** The registered name of the telnet listener process. */
  readonly LISTENER: string;
  /** The registered name of the supervisor of connections. */
  readonly CONNECTIONS: string;
  /** The registered name of the supervisor of rooms. */
  readonly ROOM_SUPERVISOR: string;
  /** The registered name of the rooms' registry (room-limits puts a room of its own there). */
  readonly REGISTRY: string;
  /** The process serving the user called `name`, while they are connected. */
  userPid(name: string): Pid | undefined;
  readonly ChatServer: {
    /** The process of the room called `room`, if it is open. */
    whereis(room: string): Pid | undefined;
    /** The names of a room's members. */
    members(room: Pid): Promise<readonly string[]>;
    /** Opens the room called `room` (flow-control features open thousands, to list them). */
    createRoom(room: string): Promise<unknown>;
  };

  // Feature `supervision-tree`: the names of the supervisors the chapters draw.
  /** The registered name of the application's top supervisor. */
  readonly APPLICATION?: string;
  /** The registered name of the supervisor of users, connections and listeners. */
  readonly SESSIONS?: string;
  /** The registered name of the users' registry. */
  readonly USERS?: string;
  /** The registered name of the supervisor of the listeners. */
  readonly LISTENERS?: string;

  // Features that reach inside the server: flow control lists a room of its own, and a
  // transport written in the suite drives the step's session.
  /** The index of open rooms, which a room tells when it has started. */
  readonly RoomIndex?: {
    started(room: {
      readonly id: string;
      readonly key: string;
      readonly pid: Pid;
    }): Promise<unknown>;
  };
  /** The session every transport adapts: requests in, events out. */
  readonly Session?: typeof Session;

  // Feature `web-command-line`: the table `--help` lists (flag, variable, unit of each).
  readonly settings?: Readonly<
    Record<string, { readonly flag: string; readonly env: string; readonly unit: string }>
  >;

  // The web features (`websocket-protocol` and after): absent from a telnet-only step.
  readonly ChatClient?: WebClientClass;
  /** The protocol's schema of a server message (zod or alike): the suite checks every frame. */
  readonly ServerMessage?: { safeParse(value: unknown): { success: boolean } };
  /** The longest message text, in characters. */
  readonly MAX_TEXT_LENGTH?: number;
  /** The registered name of the web listener process. */
  readonly WEB_LISTENER?: string;
  readonly ERROR_CODES?: readonly string[];
  decodeClientFrame?(frame: string): readonly [status: string, value: unknown];
}

/** A web feature's view of the step: the optional members it needs, present. */
export type WebStep = StepUnderTest &
  Required<
    Pick<
      StepUnderTest,
      | 'ChatClient'
      | 'ServerMessage'
      | 'MAX_TEXT_LENGTH'
      | 'WEB_LISTENER'
      | 'ERROR_CODES'
      | 'decodeClientFrame'
    >
  >;

/** The step as a web feature needs it; a clear error when it has no web transport. */
export function webStep(step: StepUnderTest): WebStep {
  const missing = (
    [
      'ChatClient',
      'ServerMessage',
      'MAX_TEXT_LENGTH',
      'WEB_LISTENER',
      'ERROR_CODES',
      'decodeClientFrame',
    ] as const
  ).filter((name) => step[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`a web feature needs the step to export ${missing.join(', ')}`);
  }
  return step as WebStep;
}

/**
 * The step as a feature needs it: the optional members `names` present, or a clear error (which
 * the suite reports as the feature's one failing test) naming those the step lacks.
 */
export function stepWith<Step extends StepUnderTest, const Name extends keyof StepUnderTest>(
  step: Step,
  names: readonly Name[],
): Step & Required<Pick<StepUnderTest, Name>> {
  const missing = names.filter((name) => step[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`this feature needs the step to export ${missing.join(', ')}`);
  }
  return step as Step & Required<Pick<StepUnderTest, Name>>;
}

export type { WebSocketClass };

/** What a feature may need beyond the step's module: where that module is, to run it apart. */
export interface FeatureContext {
  /** The step's src/index.ts (or the one of OTP_CHAT_IMPL's directory, when it is set). */
  readonly entry: string;
  /** Every feature the step declares, for a test whose outcome another feature changes. */
  readonly declared: readonly string[];
  /** What servers started in processes of their own are given besides (see ConformanceRun). */
  readonly processes: ProcessSetting;
}

/**
 * What a server in a process of its own is given besides what its test says: variables for its
 * environment (read by the step's main.ts), and settings for its startChat (the same, for a
 * server the suite starts from the step's src/index.ts). A run on PostgreSQL names its database.
 */
export interface ProcessSetting {
  readonly env: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Whether the step keeps a catalog of rooms (feature room-catalog, step 8 on): a room stays
 * listed, with nobody in it, after its last member left.
 */
export function keepsEmptyRooms(where: FeatureContext): boolean {
  return where.declared.includes('room-catalog');
}
