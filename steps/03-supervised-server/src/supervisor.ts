/**
 * The room's supervisor: it starts the room, stays linked to it, and starts a new one whenever
 * the room exits, so there is always a room under the name `ChatServer`.
 */
import { type StartResult, Supervisor, type SupervisorInit } from '@otp-chat/otp';
import { ChatServer } from './chat_server.ts';

// #region supervisor
export const ChatSupervisor = {
  name: 'ChatServer.Supervisor',

  // one_for_one: when a child exits, restart that child alone. With a single child every
  // strategy would do the same; this is the one to reach for when children are independent.
  // By default a supervisor allows 3 restarts in 5 seconds; one more and it gives up and exits.
  init(): readonly ['ok', SupervisorInit] {
    return Supervisor.init([ChatServer.childSpec()], { strategy: 'one_for_one' });
  },

  startLink(): Promise<StartResult> {
    return Supervisor.startLink(ChatSupervisor, undefined, { name: 'ChatServer.Supervisor' });
  },
};
// #endregion supervisor
