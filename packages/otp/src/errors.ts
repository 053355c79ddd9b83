import { inspect } from 'node:util';

/**
 * An exit reason: why a process ended. `'normal'` and `'shutdown'` (or `{ shutdown: detail }`)
 * are clean exits; `'kill'` asks for an untrappable kill and is seen by others as `'killed'`;
 * anything else (an Error, a string, an object) is abnormal and kills linked processes that do
 * not trap exits.
 */
export type ExitReason = unknown;

/** True for the reasons that end a process quietly: `normal`, `shutdown` and `{ shutdown: _ }`. */
export function isCleanExit(reason: ExitReason): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (typeof reason === 'object' && reason !== null && 'shutdown' in reason)
  );
}

/** Formats a reason for messages: strings as they are, everything else as the REPL would. */
export function formatReason(reason: ExitReason): string {
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return inspect(reason, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
}

/**
 * The innermost reason of a supervisor's failed start, formatted, for a readable message: a
 * supervisor that cannot start a child fails with
 * `{ shutdown: ['failed_to_start_child', id, reason] }`, nested once per level of the tree, and
 * what went wrong (a listener's `listen EADDRINUSE ...`) is at the bottom.
 */
export function rootCause(reason: ExitReason): string {
  if (reason instanceof Error) return reason.message;
  const shutdown = (reason as { shutdown?: unknown } | null)?.shutdown;
  if (Array.isArray(shutdown) && shutdown[0] === 'failed_to_start_child')
    return rootCause(shutdown[2]);
  return formatReason(reason);
}

/**
 * Thrown by `exit(reason)` to end the calling process with `reason`, and by calls that fail
 * (`GenServer.call` to a dead server, a timeout): uncaught, the process exits with `reason`,
 * as an Erlang exit exception does. `code` names the failure for programs (`'noproc'`,
 * `'timeout'`, `'calling_self'`, or `'exit'` for anything else).
 */
export class ExitError extends Error {
  override name = 'ExitError';
  readonly code: string;

  constructor(
    readonly reason: ExitReason,
    message = `exited: ${formatReason(reason)}`,
  ) {
    super(message);
    this.code = typeof reason === 'string' ? reason : 'exit';
  }
}

/**
 * The error a wait gets when its process has exited under it: the shell's pending `receive`
 * when an exit signal kills the shell (the script or REPL line is told, as iex abandons the
 * evaluation), and a process that killed itself with `exit(self(), 'kill')`. Code a dead
 * process left behind gets no errors: it acts on nothing (README, "Leftover callbacks").
 */
export class ProcessExitedError extends Error {
  override name = 'ProcessExitedError';
  readonly code = 'process_exited';

  constructor(
    readonly pid: unknown,
    readonly reason: ExitReason,
  ) {
    super(`${String(pid)} has exited (${formatReason(reason)}) and can no longer send or receive`);
  }
}

/** Thrown for arguments the runtime cannot accept, like Erlang's `badarg`. */
export class BadArgError extends TypeError {
  override name = 'BadArgError';
  readonly code = 'badarg';
}
