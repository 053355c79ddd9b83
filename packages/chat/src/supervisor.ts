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
import { ROOM_INDEX, RoomIndex } from './room_index.js';
import { REGISTRY, ROOM_LIMITS, ROOM_SUPERVISOR, type RoomLimits } from './rooms.js';

// #region supervisor
/** The registry of rooms; it keeps the limits every room reads as it starts. */
function registry(limits: Partial<RoomLimits>): ChildSpec {
  const meta = { [ROOM_LIMITS]: limits };
  return {
    id: REGISTRY,
    start: () => Registry.startLink({ keys: 'unique', name: REGISTRY, meta }),
  };
}

export const ChatSupervisor = {
  name: 'ChatServer.Supervisor',

  // rest_for_one: the rooms depend on the registry and the index of their names, which are
  // started first. If either dies, what it knew of the rooms is gone, so what was started after
  // it (the room supervisor, last) is restarted too and the rooms begin again from a clean
  // slate. If only the room supervisor dies, neither has anything to fix: its dead rooms'
  // names went with them.
  init(limits: Partial<RoomLimits> = {}): readonly ['ok', SupervisorInit] {
    const index = { id: ROOM_INDEX, start: () => RoomIndex.startLink() };
    const rooms = DynamicSupervisor.childSpec({ name: ROOM_SUPERVISOR });
    return Supervisor.init([registry(limits), index, rooms], { strategy: 'rest_for_one' });
  },

  /** Starts the rooms' side; rooms take `limits` (the defaults for those not given). */
  startLink(limits: Partial<RoomLimits> = {}): Promise<StartResult> {
    return Supervisor.startLink(ChatSupervisor, limits, { name: 'ChatServer.Supervisor' });
  },
};
// #endregion supervisor
