/**
 * @otp-chat/otp: Erlang/OTP processes for Node.
 * See README.md for each primitive and how it differs from Erlang.
 */
export {
  type CrashReport,
  type CrashReporter,
  captureCrashReports,
  formatCrashReport,
  printCrashReport,
  type ReportedChild,
  setCrashReporter,
} from './crash.js';
export {
  type DynamicChildSpec,
  DynamicSupervisor,
  type DynamicSupervisorOptions,
} from './dynamic_supervisor.js';
export {
  BadArgError,
  ExitError,
  type ExitReason,
  formatReason,
  isCleanExit,
  ProcessExitedError,
  rootCause,
} from './errors.js';
export {
  type CallResult,
  type From,
  GenServer,
  type GenServerModule,
  type InitResult,
  type NoReplyResult,
  type Server,
  type ServerAction,
  type StartOptions,
  type StartResult,
} from './gen_server.js';
export { isViaName, type NameRegistry, type ServerName, type ViaName } from './names.js';
export { _, matches, type Pattern, type Predicate } from './pattern.js';
export { makeRef, Pid, Ref } from './pid.js';
export {
  Port,
  type PortActive,
  type PortCodec,
  type PortDecoder,
  type PortInfo,
  type PortMessage,
  type PortOptions,
  type PortOutput,
  type PortSource,
  type ReadableLike,
  type SourceEvents,
} from './port.js';
export {
  cancelTimer,
  type Dest,
  type DownMessage,
  demonitor,
  type EachHandler,
  type ExitMessage,
  exit,
  flush,
  isAlive,
  link,
  monitor,
  NOT_NOW,
  type NotNow,
  Process,
  type ProcessBody,
  type ProcessInfo,
  receive,
  receiveEach,
  receiveMany,
  receiveNow,
  register,
  registeredNames,
  self,
  send,
  sendAfter,
  spawn,
  spawnLink,
  spawnMonitor,
  TIMEOUT,
  type Timeout,
  trapExit,
  unlink,
  unregister,
  whenIdle,
  whereis,
} from './process.js';
export {
  type Entry as RegistryEntry,
  type RegisterResult,
  Registry,
  type RegistryKeys,
  type RegistryOptions,
  type RegistryRef,
} from './registry.js';
export type {
  ChildCounts,
  ChildInfo,
  ChildOverrides,
  ChildSpec,
  ChildType,
  RestartType,
  Shutdown,
} from './supervision/child_spec.js';
export {
  type StartChildResult,
  type Strategy,
  Supervisor,
  type SupervisorFlags,
  type SupervisorInit,
  type SupervisorModule,
  type SupervisorOptions,
} from './supervisor.js';
export { formatTree, printTree } from './tree.js';
