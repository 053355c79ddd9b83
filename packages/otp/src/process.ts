/**
 * The kernel: processes, their mailboxes, and the signals between them (messages, exits, links,
 * monitors), after Erlang's process model. This file gathers it; each part has its own file in
 * kernel/:
 *
 * - proc.ts: what a process is (`Proc`), which one is running, the shell, the process table;
 * - scheduler.ts: when a process runs (idle tracking, the fairness budget);
 * - spawn.ts: starting a process and how its body's end becomes its exit;
 * - messages.ts: `send`, `receive` and `flush`;
 * - receive_each.ts: `receiveEach`, a receive loop run as callbacks, with no promise per message;
 * - signals.ts: exit signals, links, monitors, and `terminate`, where every exit goes through;
 * - monitor_ref.ts: how monitors are kept (a monitor is its ref, in two lists);
 * - registered.ts: registered names;
 * - timers.ts: `sendAfter` and `cancelTimer`;
 * - inspection.ts: `Process.info`, `Process.count` and `Process.onExit`.
 */

export { Process, type ProcessInfo } from './kernel/inspection.js';
export {
  type Dest,
  deliver,
  flush,
  NOT_NOW,
  type NotNow,
  receive,
  receiveIn,
  receiveMany,
  receiveNow,
  receiveThen,
  send,
  TIMEOUT,
  type Timeout,
  takeNow,
} from './kernel/messages.js';
export { holds as holdsMonitor } from './kernel/monitor_ref.js';
export {
  actingProc,
  currentProc,
  describedProcs,
  isAlive,
  never,
  Proc,
  type ProcessMeta,
  procOf,
  self,
} from './kernel/proc.js';
export { type EachHandler, receiveEach } from './kernel/receive_each.js';
export { register, registeredNames, unregister, whereis } from './kernel/registered.js';
export { whenIdle } from './kernel/scheduler.js';
export {
  type DownMessage,
  demonitor,
  demonitorIn,
  type ExitMessage,
  exit,
  isDown,
  isExit,
  link,
  linkProcs,
  monitor,
  monitorProc,
  offExit,
  onExit,
  signalExit,
  terminate,
  trapExit,
  unlink,
  unlinkProcs,
} from './kernel/signals.js';
export {
  type ProcessBody,
  type SpawnOptions,
  spawn,
  spawnLink,
  spawnMonitor,
  spawnProc,
} from './kernel/spawn.js';
export { cancelTimer, sendAfter } from './kernel/timers.js';
export { HOLE } from './mailbox.js';
