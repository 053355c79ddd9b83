/**
 * Inspection: `Process.info`, `Process.count` and `Process.onExit`, like Erlang's
 * `process_info/1` and `processes/0`, and the hook by which a process owns something outside
 * the runtime.
 */
import { reportCrash } from '../crash.js';
import type { ExitReason } from '../errors.js';
import type { Pid } from '../pid.js';
import { itemsOf } from './few.js';
import { monitorsHeldBy, monitorsOn } from './monitor_ref.js';
import { destProc, live, type Proc, type Status } from './proc.js';
import { onExit } from './signals.js';

/** What `Process.info` tells about a live process. */
export interface ProcessInfo {
  readonly pid: Pid;
  /** `running` (has work, or awaits something other than receive) or `waiting` (blocked in receive). */
  readonly status: Exclude<Status, 'exited'>;
  readonly messageQueueLength: number;
  readonly links: Pid[];
  readonly monitors: Pid[];
  readonly monitoredBy: Pid[];
  readonly registeredName: string | undefined;
  readonly trapExit: boolean;
  readonly behaviour: string | undefined;
}

function info(pid: Pid): ProcessInfo | undefined {
  const proc = pid.proc as Proc | null;
  if (proc === null) return undefined;
  const pids = (procs: Iterable<Proc> | undefined) => [...(procs ?? [])].map((p) => p.pid);
  return {
    pid,
    status: proc.status as ProcessInfo['status'],
    messageQueueLength: proc.mailbox.size,
    links: pids(itemsOf(proc.links)),
    monitors: pids(monitorsHeldBy(proc).map((ref) => ref.target as Proc)),
    monitoredBy: pids(monitorsOn(proc).map((ref) => ref.holder as Proc)),
    registeredName: proc.name,
    trapExit: proc.trapExit,
    behaviour: proc.meta?.behaviour,
  };
}

/**
 * How many messages wait in `pid`'s mailbox, or undefined if it is not alive: Erlang's
 * `process_info(Pid, message_queue_len)`, without building the whole `info`. Cheap enough to ask
 * before every send, which is how a sender bounds what waits for a slow receiver.
 */
function messageQueueLength(pid: Pid): number | undefined {
  return (pid.proc as Proc | null)?.mailbox.size;
}

/**
 * Runs `hook(reason)` when `pid` exits, however it ends: it returns, crashes or is killed (a kill
 * runs none of the process's own code, so a `finally` block cannot do this). This is how a
 * process owns something outside the runtime, such as a socket, the way an Erlang port closes
 * when its owner dies. Hooks run synchronously at the exit, before links and monitors are
 * signalled; one that throws is reported and the others still run. For a pid that has already
 * exited the hook runs at once, with `'noproc'`.
 */
function onExitOf(pid: Pid, hook: (reason: ExitReason) => void): void {
  const proc = destProc(pid);
  const guarded = (reason: ExitReason) => {
    try {
      hook(reason);
    } catch (error) {
      reportCrash({
        kind: 'process',
        pid,
        name: undefined,
        reason: error,
        context: 'in an exit hook',
      });
    }
  };
  if (proc === null) guarded('noproc');
  else onExit(proc, guarded);
}

/** Process inspection, like Erlang's `process_info/1` and `processes/0`. */
export const Process = {
  info,
  messageQueueLength,
  /** How many processes are alive (the shell not counted). */
  count: (): number => live.count,
  onExit: onExitOf,
};
