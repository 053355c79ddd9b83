/**
 * The rooms' supervisor: it starts the registry where rooms keep their names, then the
 * supervisor that runs the rooms. Rooms themselves come later, when someone joins them. In
 * this step it is one half of the application (see application.ts).
 */
import {
  type ChildSpec,
  DynamicSupervisor,
  Registry,
  type StartResult,
  Supervisor,
  type SupervisorInit,
} from '@otp-chat/otp';
import { DEFAULT_HISTORY_OPTIONS, HistoryKeeper, type HistoryOptions } from './history_keeper.js';
import { ROOM_INDEX, RoomIndex } from './room_index.js';
import {
  REGISTRY,
  ROOM_HISTORY,
  ROOM_LIMITS,
  ROOM_STORAGE,
  ROOM_SUPERVISOR,
  type RoomLimits,
  type RoomStorageSetting,
} from './rooms.js';
import type { ChatStorage } from './storage.js';

/** What the rooms' side is started with. */
export interface ChatOptions {
  /** The limits every room keeps (the defaults for those not given). */
  readonly limits?: Partial<RoomLimits>;
  /** Keep each room's history (from step 7 on), with these options; none without it. */
  readonly history?: Partial<HistoryOptions>;
  /**
   * Store every message before anyone sees it (from step 8 on). Storage implies history: the
   * keeper holds each room's last messages, read back from storage when the room opens.
   */
  readonly storage?: ChatStorage;
}

// #region supervisor
/** The registry of rooms; it keeps the limits (and whether to keep history) rooms read as they start. */
function registry({ limits = {}, history, storage }: ChatOptions): ChildSpec {
  const meta: Record<string, unknown> = {
    [ROOM_LIMITS]: limits,
    [ROOM_HISTORY]: history !== undefined,
  };
  if (storage !== undefined) {
    const recent = history?.historyLength ?? DEFAULT_HISTORY_OPTIONS.historyLength;
    meta[ROOM_STORAGE] = { storage, recent } satisfies RoomStorageSetting;
  }
  return {
    id: REGISTRY,
    start: () => Registry.startLink({ keys: 'unique', name: REGISTRY, meta }),
  };
}

/** The name of the supervisor of storage's processes. */
export const STORAGE_SUPERVISOR = 'ChatServer.Storage';

/** Storage's processes under a `one_for_one` supervisor of their own; none without storage. */
function storageSupervisor(children: readonly ChildSpec[]): ChildSpec[] {
  if (children.length === 0) return [];
  const storage = {
    init: () => Supervisor.init([...children], { strategy: 'one_for_one' }),
  };
  const start = () => Supervisor.startLink(storage, undefined, { name: STORAGE_SUPERVISOR });
  return [{ id: STORAGE_SUPERVISOR, start, type: 'supervisor' }];
}

export const ChatSupervisor = {
  name: 'ChatServer.Supervisor',

  // rest_for_one: the rooms depend on the registry and the index of their names, which are
  // started first. If either dies, what it knew of the rooms is gone, so what was started after
  // it (the room supervisor, last) is restarted too and the rooms begin again from a clean
  // slate. If only the room supervisor dies, neither has anything to fix: its dead rooms'
  // names went with them. The history keeper, when there is one, comes before the rooms too:
  // rooms attach to it as they start, so rooms that outlived it start again and attach to its
  // successor (whose new epochs tell clients that what the old one kept is gone).
  // Storage's processes (its writer) start before the keeper and the rooms, under a
  // supervisor of their own: a writer that crashes is restarted alone. The rooms do not need
  // restarting with it: each monitors the writer, fails what it held, and opens again through
  // its successor.
  init(given: ChatOptions = {}): readonly ['ok', SupervisorInit] {
    const options =
      given.storage === undefined ? given : { ...given, history: given.history ?? {} };
    const index = { id: ROOM_INDEX, start: () => RoomIndex.startLink() };
    const storage = storageSupervisor(options.storage?.children ?? []);
    const keeper = options.history === undefined ? [] : [HistoryKeeper.childSpec(options.history)];
    const rooms = DynamicSupervisor.childSpec({ name: ROOM_SUPERVISOR });
    return Supervisor.init([registry(options), index, ...storage, ...keeper, rooms], {
      strategy: 'rest_for_one',
    });
  },

  /** Starts the rooms' side; rooms take `limits` (the defaults for those not given). */
  startLink(
    limits: Partial<RoomLimits> = {},
    history?: Partial<HistoryOptions>,
    storage?: ChatStorage,
  ): Promise<StartResult> {
    const options: ChatOptions = {
      limits,
      ...(history === undefined ? {} : { history }),
      ...(storage === undefined ? {} : { storage }),
    };
    return Supervisor.startLink(ChatSupervisor, options, { name: 'ChatServer.Supervisor' });
  },
};
// #endregion supervisor
