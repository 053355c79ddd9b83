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
import { REGISTRY, ROOM_SUPERVISOR } from './rooms.js';

// #region supervisor
const registry: ChildSpec = {
  id: REGISTRY,
  start: () => Registry.startLink({ keys: 'unique', name: REGISTRY }),
};

export const ChatSupervisor = {
  name: 'ChatServer.Supervisor',

  // rest_for_one: the rooms depend on the registry, which is started first. If the registry
  // dies, every name in it is gone, so the room supervisor (started after it) is restarted too
  // and the rooms begin again from a clean slate. If only the room supervisor dies, the
  // registry has nothing to fix: its dead rooms' names went with them.
  init(): readonly ['ok', SupervisorInit] {
    return Supervisor.init([registry, DynamicSupervisor.childSpec({ name: ROOM_SUPERVISOR })], {
      strategy: 'rest_for_one',
    });
  },

  startLink(): Promise<StartResult> {
    return Supervisor.startLink(ChatSupervisor, undefined, { name: 'ChatServer.Supervisor' });
  },
};
// #endregion supervisor
