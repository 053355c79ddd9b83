/**
 * GenServer: a process that keeps state and answers requests, one message at a time.
 *
 * A server is described by a module: an object with callbacks, like an Elixir module that
 * `use`s GenServer. Results are tuples, as in Elixir: `['reply', reply, state]`,
 * `['noreply', state]`, `['stop', reason, state]`.
 *
 * ```ts
 * const Counter = {
 *   init: (start: number) => ['ok', start],
 *   handleCall: (_req: 'get', _from: From, n: number) => ['reply', n, n],
 *   handleCast: (_req: 'bump', n: number) => ['noreply', n + 1],
 * } satisfies GenServerModule<number, number>;
 * ```
 */
import { reportCrash } from './crash.js';
import { BadArgError, ExitError, type ExitReason, formatReason, isCleanExit } from './errors.js';
import {
  type NameRegistry,
  registerServerName,
  type ServerName,
  serverProc,
  whereisServer,
} from './names.js';
import { type Pid, Ref } from './pid.js';
import {
  actingProc,
  currentProc,
  type DownMessage,
  deliver,
  demonitorIn,
  type ExitMessage,
  HOLE,
  holdsMonitor,
  isDown,
  isExit,
  monitorProc,
  never,
  type Proc,
  procOf,
  receiveIn,
  receiveThen,
  spawnProc,
  TIMEOUT,
  takeNow,
  terminate,
} from './process.js';

/** Who is waiting for a call's reply; pass it to `GenServer.reply` to answer later. */
export interface From {
  readonly pid: Pid;
  readonly ref: Ref;
}

type Awaitable<T> = T | Promise<T>;

/**
 * What a result may add after the new state, as in Elixir: a timeout in ms (if no message
 * arrives in that time, `handleInfo` gets `'timeout'`), `'hibernate'` (accepted, and does
 * nothing: see the README), or `{ continue: x }` (`handleContinue(x, state)` runs next, before
 * any message).
 */
// biome-ignore lint/suspicious/noExplicitAny: a continue argument is any by default, like the request types
export type ServerAction<C = any> = number | 'hibernate' | { readonly continue: C };

// biome-ignore lint/suspicious/noExplicitAny: see ServerAction
export type InitResult<S, C = any> =
  | readonly ['ok', S]
  | readonly ['ok', S, ServerAction<C>]
  | readonly ['stop', ExitReason]
  | 'ignore';
// biome-ignore lint/suspicious/noExplicitAny: see ServerAction
export type CallResult<S, R = unknown, C = any> =
  | readonly ['reply', R, S]
  | readonly ['reply', R, S, ServerAction<C>]
  | readonly ['noreply', S]
  | readonly ['noreply', S, ServerAction<C>]
  | readonly ['stop', ExitReason, R, S]
  | readonly ['stop', ExitReason, S];
// biome-ignore lint/suspicious/noExplicitAny: see ServerAction
export type NoReplyResult<S, C = any> =
  | readonly ['noreply', S]
  | readonly ['noreply', S, ServerAction<C>]
  | readonly ['stop', ExitReason, S];
export type StartResult = readonly ['ok', Pid] | readonly ['error', ExitReason] | 'ignore';

/**
 * The callbacks of a server. Only `init` is required; handlers may be async. `C` is what
 * `{ continue: x }` carries to `handleContinue`.
 */
// biome-ignore lint/suspicious/noExplicitAny: callbacks take any argument and request types by default, so that modules typed narrowly still fit
export interface GenServerModule<S, A = any, Call = any, Cast = any, C = any> {
  /** Shown by `Process.info` and the supervision-tree printer. */
  readonly name?: string;
  init(arg: A): Awaitable<InitResult<S, C>>;
  handleCall?(request: Call, from: From, state: S): Awaitable<CallResult<S, unknown, C>>;
  handleCast?(request: Cast, state: S): Awaitable<NoReplyResult<S, C>>;
  /** Any other message, and `'timeout'` when a result's timeout passed with no message. */
  handleInfo?(message: unknown, state: S): Awaitable<NoReplyResult<S, C>>;
  /** Runs after a result that said `{ continue: x }`, before the server takes another message. */
  handleContinue?(x: C, state: S): Awaitable<NoReplyResult<S, C>>;
  /** Runs when the server stops on purpose, or on a crash, and when a parent shuts it down while it traps exits. */
  terminate?(reason: ExitReason, state: S): unknown;
}

export interface StartOptions {
  /** A registered name (a string) or a `{ via, key }` name in a Registry. */
  readonly name?: ServerName;
}

/** A server: its pid, its registered name, or a `{ via, key }` name. */
export type Server = Pid | ServerName;

// Messages of the gen_server protocol. Classes, so that a server's handleInfo never confuses
// them with a user's message, and a caller's receive can match its reply by identity.
class CallRequest {
  constructor(
    readonly request: unknown,
    readonly from: From,
  ) {}
}
class CastRequest {
  constructor(readonly request: unknown) {}
}
class StopRequest {
  constructor(readonly reason: ExitReason) {}
}
class Reply {
  constructor(
    readonly ref: Ref,
    readonly value: unknown,
  ) {}
}
class StartAck {
  constructor(
    readonly ref: Ref,
    readonly result: StartResult,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Starting

/** Starts a server and waits until its `init` has run. */
export function start<S, A>(
  module: GenServerModule<S, A>,
  arg: A,
  options: StartOptions = {},
): Promise<StartResult> {
  return startServer(module, arg, options, false);
}

/** Starts a server linked to the caller (what a supervisor's child does). */
export function startLink<S, A>(
  module: GenServerModule<S, A>,
  arg: A,
  options: StartOptions = {},
): Promise<StartResult> {
  return startServer(module, arg, options, true);
}

async function startServer<S, A>(
  module: GenServerModule<S, A>,
  arg: A,
  options: StartOptions,
  link: boolean,
): Promise<StartResult> {
  if (typeof module?.init !== 'function')
    throw new BadArgError('GenServer.start: the module has no init callback');
  const caller = actingProc('GenServer.start of', module.name ?? 'a server');
  if (caller === null) return never();
  // As OTP's gen:start, a name already taken is found before any process is spawned.
  const holder = options.name === undefined ? undefined : whereisServer(options.name);
  if (holder !== undefined) return ['error', ['already_started', holder]];
  const ackRef = new Ref();
  const mark = caller.mailbox.mark();
  const { proc } = spawnProc(() => serve(module, arg, options, caller, ackRef, link), { link });
  // Watch the new process: if it dies before acknowledging, start returns its reason.
  const watch = monitorProc(caller, proc);
  const answer = await receiveIn(
    caller,
    (m) => (m instanceof StartAck && m.ref === ackRef) || isDownFor(m, watch),
    Number.POSITIVE_INFINITY,
    mark,
  );
  settleMonitor(caller, watch);
  if (answer instanceof StartAck) return answer.result;
  return ['error', (answer as DownMessage).reason];
}

function isDownFor(message: unknown, ref: Ref): message is DownMessage {
  return isDown(message) && message.ref === ref;
}

/** Drops a monitor; if its DOWN was already delivered, removes that from the mailbox too. */
function settleMonitor(holder: Proc, ref: Ref): void {
  if (!demonitorIn(holder, ref, false)) demonitorIn(holder, ref, true);
}

// ---------------------------------------------------------------------------------------------
// The server process

async function serve<S, A>(
  module: GenServerModule<S, A>,
  arg: A,
  options: StartOptions,
  starter: Proc,
  ackRef: Ref,
  linked: boolean,
): Promise<void> {
  const proc = currentProc();
  // As in OTP, only a linked starter is the server's parent: an EXIT from it stops the server.
  // A server started without a link is its own parent, and its starter's EXITs are just info.
  const parent = linked ? starter : proc;
  proc.meta =
    module.name === undefined
      ? { behaviour: 'gen_server' }
      : { behaviour: 'gen_server', module: module.name };
  const ack = (result: StartResult) => deliver(starter, new StartAck(ackRef, result));

  if (options.name !== undefined) {
    const holder = registerServerName(options.name, proc);
    // Another server took the name since the starter looked: no crash, this one exits `normal`.
    if (holder !== undefined) return failStart(proc, ack, ['already_started', holder], 'normal');
  }
  let init: InitResult<S>;
  try {
    init = await module.init(arg);
  } catch (error) {
    if (proc.status === 'exited') return; // killed while init awaited: the starter knows already
    // `exit(reason)` in init ends the server with the bare reason, as in a handler.
    const reason = error instanceof ExitError ? error.reason : error;
    if (!isCleanExit(reason)) {
      const context = 'while running init';
      reportCrash({ kind: 'gen_server', pid: proc.pid, name: proc.name, reason: error, context });
    }
    return failStart(proc, ack, reason);
  }
  if (proc.status === 'exited') return; // killed while init awaited: the starter knows already
  if (init === 'ignore') {
    ack('ignore');
    return failStart(proc, null, 'normal');
  }
  if (init?.[0] === 'stop') return failStart(proc, ack, init[1]);
  const action = init?.[0] === 'ok' ? actionIn(init, 2) : BAD_ACTION;
  if (action === BAD_ACTION) return failStart(proc, ack, ['bad_return_value', init]);
  ack(['ok', proc.pid]);
  await loop(module, proc, parent, (init as readonly ['ok', S])[1], action);
}

/**
 * init did not succeed: tell the starter, then exit with the reason, still linked to it. This is
 * OTP 25's gen_server (init_ack, then exit): a linked starter that does not trap exits dies with
 * the reason (unless it is `normal`); one that traps gets `['error', reason]` from start and then
 * an EXIT message. (From OTP 26, proc_lib:init_fail has the starter unlink once it reads the
 * failure and drop an EXIT that is already in its mailbox; the server still exits with the
 * reason, so a starter that does not trap exits is killed whenever the signal gets there first.)
 */
function failStart(
  proc: Proc,
  ack: ((r: StartResult) => void) | null,
  reason: ExitReason,
  exitReason: ExitReason = reason,
): void {
  ack?.(['error', reason]);
  terminate(proc, exitReason);
}

/**
 * The server's life: one message at a time, each through its callback. After each result, the
 * action it carried decides what comes next: `handleContinue` at once, or a receive that gives
 * up after the timeout and hands `'timeout'` to `handleInfo`.
 */
async function loop<S>(
  module: GenServerModule<S>,
  proc: Proc,
  parent: Proc,
  initial: S,
  firstAction: NextAction,
): Promise<void> {
  let state = initial;
  let action = firstAction;
  let message: unknown;
  // One Step for the server's whole life, rewritten by each result: no object per message.
  const step = new Step<S>(initial);
  try {
    for (;;) {
      let outcome: Awaitable<Step<S>>;
      if (typeof action === 'object') {
        message = action;
        outcome = runContinue(module, action.continue, state, step);
      } else {
        // A message already queued is taken without an await while the time slice lasts.
        message = takeNow(proc);
        if (message === HOLE) message = await receiveIn(proc, null, action, 0);
        if (message === TIMEOUT && action !== Number.POSITIVE_INFINITY) message = 'timeout';
        outcome = handle(module, message, state, parent, step);
      }
      const result = outcome instanceof Promise ? await outcome : outcome;
      if (proc.status === 'exited') return; // killed while the handler awaited: nothing may run now
      if (result.stop) return stop(module, proc, result.reason, result.state);
      state = result.state;
      action = result.action;
    }
  } catch (error) {
    if (proc.status === 'exited') return; // killed while a handler awaited: nothing may run now
    const reason = error instanceof ExitError ? error.reason : error;
    if (!isCleanExit(reason)) {
      const context = `last message: ${formatReason(message)}`;
      reportCrash({ kind: 'gen_server', pid: proc.pid, name: proc.name, reason: error, context });
    }
    terminate(proc, await runTerminate(module, reason, state));
  }
}

/**
 * What the loop does after a result: wait for a message for so many ms (`Infinity`: for ever)
 * or run `handleContinue` with a value. `'hibernate'` is waiting for ever.
 */
type NextAction = number | { readonly continue: unknown };

/**
 * What a handler's tuple means for the loop: go on with a new state, or stop. Each server has
 * one, which `next` and `stopping` rewrite and the loop reads at once, before the next message.
 */
class Step<S> {
  stop = false;
  reason: ExitReason = undefined;
  action: NextAction = Number.POSITIVE_INFINITY;
  constructor(public state: S) {}
}

function next<S>(step: Step<S>, state: S, action: NextAction = Number.POSITIVE_INFINITY): Step<S> {
  step.stop = false;
  step.reason = undefined;
  step.state = state;
  step.action = action;
  return step;
}

function stopping<S>(step: Step<S>, reason: ExitReason, state: S): Step<S> {
  step.stop = true;
  step.reason = reason;
  step.state = state;
  step.action = Number.POSITIVE_INFINITY;
  return step;
}

const BAD_ACTION: unique symbol = Symbol('bad action');

/**
 * The action at `result[index]` (none when the tuple stops before it), or BAD_ACTION when it is
 * not a timeout (ms >= 0), `'hibernate'` or `{ continue: x }`.
 */
function actionIn(result: readonly unknown[], index: number): NextAction | typeof BAD_ACTION {
  if (result.length === index) return Number.POSITIVE_INFINITY;
  if (result.length !== index + 1) return BAD_ACTION;
  const action = result[index];
  if (typeof action === 'number') return action >= 0 ? action : BAD_ACTION;
  if (action === 'hibernate') return Number.POSITIVE_INFINITY;
  if (typeof action === 'object' && action !== null && 'continue' in action)
    return action as { continue: unknown };
  return BAD_ACTION;
}

/** A Step that goes on with `state` and the action at `result[index]`; a bad one is a crash. */
function goOn<S>(
  step: Step<S>,
  state: S,
  result: readonly unknown[],
  index: number,
  callback: string,
): Step<S> {
  const action = actionIn(result, index);
  if (action === BAD_ACTION) throw badReturn(callback, result);
  return next(step, state, action);
}

function badReturn(callback: string, result: unknown): ExitError {
  return new ExitError(
    ['bad_return_value', result],
    `${callback} returned ${formatReason(result)}`,
  );
}

/** Runs `handleContinue(x, state)`, after a result that asked for it. */
function runContinue<S>(
  module: GenServerModule<S>,
  x: unknown,
  state: S,
  step: Step<S>,
): Awaitable<Step<S>> {
  if (!module.handleContinue)
    throw new ExitError(
      'no_handle_continue',
      `${describe(module)} has no handleContinue for ${formatReason(x)}`,
    );
  const result = module.handleContinue(x, state);
  return result instanceof Promise
    ? result.then((r) => afterNoReply(step, r, 'handleContinue'))
    : afterNoReply(step, result, 'handleContinue');
}

/** Dispatches one message to its callback and turns the callback's tuple into a Step. */
function handle<S>(
  module: GenServerModule<S>,
  message: unknown,
  state: S,
  parent: Proc,
  step: Step<S>,
): Awaitable<Step<S>> {
  if (message instanceof CallRequest) {
    if (!module.handleCall)
      throw new ExitError(
        'no_handle_call',
        `${describe(module)} has no handleCall for ${formatReason(message.request)}`,
      );
    const { from } = message;
    const result = module.handleCall(message.request, from, state);
    return result instanceof Promise
      ? result.then((r) => afterCall(step, r, from))
      : afterCall(step, result, from);
  }
  if (message instanceof CastRequest) {
    if (!module.handleCast)
      throw new ExitError(
        'no_handle_cast',
        `${describe(module)} has no handleCast for ${formatReason(message.request)}`,
      );
    const result = module.handleCast(message.request, state);
    return result instanceof Promise
      ? result.then((r) => afterNoReply(step, r))
      : afterNoReply(step, result);
  }
  if (message instanceof StopRequest) return stopping(step, message.reason, state);
  if (isExitFrom(message, parent.pid)) return stopping(step, message.reason, state);
  if (!module.handleInfo) {
    reportUnexpected(module, message);
    return next(step, state);
  }
  const result = module.handleInfo(message, state);
  return result instanceof Promise
    ? result.then((r) => afterNoReply(step, r))
    : afterNoReply(step, result);
}

/**
 * A message reached a server that has no handleInfo: it is dropped, and logged, as Elixir's
 * default handle_info does (a message nobody handles is usually a bug in a sender).
 */
function reportUnexpected(module: GenServerModule<unknown>, message: unknown): void {
  const { pid, name } = currentProc();
  const context =
    module.name === undefined
      ? 'received a message and has no handleInfo'
      : `received a message and ${module.name} has no handleInfo`;
  reportCrash({ kind: 'gen_server', level: 'error', pid, name, reason: message, context });
}

function describe(module: GenServerModule<unknown>): string {
  return module.name ?? 'the server';
}

function isExitFrom(message: unknown, pid: Pid): message is ExitMessage {
  return isExit(message) && message.from === pid;
}

function afterCall<S>(step: Step<S>, result: CallResult<S>, from: From): Step<S> {
  switch (result?.[0]) {
    case 'reply': {
      goOn(step, result[2], result, 3, 'handleCall');
      replyTo(from, result[1]);
      return step;
    }
    case 'noreply':
      return goOn(step, result[1], result, 2, 'handleCall');
    case 'stop':
      if (result.length === 4) {
        replyTo(from, result[2]);
        return stopping(step, result[1], result[3]);
      }
      return stopping(step, result[1], result[2]);
    default:
      throw badReturn('handleCall', result);
  }
}

function afterNoReply<S>(step: Step<S>, result: NoReplyResult<S>, callback = 'handler'): Step<S> {
  if (result?.[0] === 'noreply') return goOn(step, result[1], result, 2, callback);
  if (result?.[0] === 'stop') return stopping(step, result[1], result[2]);
  throw badReturn(callback, result);
}

async function stop<S>(
  module: GenServerModule<S>,
  proc: Proc,
  reason: ExitReason,
  state: S,
): Promise<void> {
  const exitReason = await runTerminate(module, reason, state);
  if (exitReason === reason && !isCleanExit(reason)) {
    reportCrash({ kind: 'gen_server', pid: proc.pid, name: proc.name, reason, context: 'stopped' });
  }
  terminate(proc, exitReason);
}

/**
 * Runs `terminate` and returns the reason the server exits with: `reason`, or, as in OTP, the
 * error `terminate` threw (a server whose cleanup failed did not stop cleanly).
 */
async function runTerminate<S>(
  module: GenServerModule<S>,
  reason: ExitReason,
  state: S,
): Promise<ExitReason> {
  if (!module.terminate) return reason;
  try {
    await module.terminate(reason, state);
    return reason;
  } catch (error) {
    const proc = currentProc();
    reportCrash({
      kind: 'gen_server',
      pid: proc.pid,
      name: proc.name,
      reason: error,
      context: 'in terminate',
    });
    return error instanceof ExitError ? error.reason : error;
  }
}

// ---------------------------------------------------------------------------------------------
// Client API

/**
 * Sends `request` and waits for the reply (5000 ms by default). Throws an ExitError whose
 * `code` is `'noproc'` when no server is there, `'timeout'` when the reply is late (a late
 * reply is then dropped, never left in the mailbox), or the server's exit reason when it dies
 * before replying.
 */
export function call<R = unknown>(server: Server, request: unknown, timeoutMs = 5000): Promise<R> {
  // One promise, settled straight from the reply: no async function or await in between.
  return new Promise<R>((resolve, reject) => {
    const caller = actingProc('GenServer.call to', server);
    if (caller === null) return; // a dead process waits for ever: its code stops here
    const target = serverProc(server);
    if (target === null)
      throw new ExitError('noproc', `GenServer.call: no process for ${formatReason(server)}`);
    if (target === caller)
      throw new ExitError('calling_self', 'GenServer.call: a server cannot call itself');
    const mark = caller.mailbox.mark();
    // The monitor's ref doubles as the reply's address: demonitoring it makes late replies vanish.
    const ref = monitorProc(caller, target);
    deliver(target, new CallRequest(request, { pid: caller.pid, ref }));
    receiveThen(
      caller,
      (m) => (m instanceof Reply && m.ref === ref) || isDownFor(m, ref),
      timeoutMs,
      mark,
      (answer) => {
        settleMonitor(caller, ref);
        if (answer instanceof Reply) resolve(answer.value as R);
        else reject(callFailure(caller, server, ref, answer, timeoutMs, mark));
      },
      reject,
    );
  });
}

/** The error a call fails with: the server did not answer in time, or it exited. */
function callFailure(
  caller: Proc,
  server: Server,
  ref: Ref,
  answer: unknown,
  timeoutMs: number,
  mark: number,
): ExitError {
  if (answer === TIMEOUT) {
    // A reply sent after the timer fired but before the call settled is already in the mailbox.
    caller.mailbox.removeAll((m) => m instanceof Reply && m.ref === ref, mark);
    return new ExitError(
      'timeout',
      `GenServer.call to ${formatReason(server)} timed out after ${timeoutMs} ms`,
    );
  }
  const { reason } = answer as DownMessage;
  return new ExitError(
    reason,
    `GenServer.call to ${formatReason(server)} failed: the server exited (${formatReason(reason)})`,
  );
}

/** Sends `request` without waiting. Casting to a server that is not there does nothing. */
export function cast(server: Server, request: unknown): void {
  if (actingProc('GenServer.cast to', server) === null) return;
  const target = serverProc(server);
  if (target !== null) deliver(target, new CastRequest(request));
}

/**
 * Answers a call whose handler returned `noreply`, from anywhere. Does nothing if the caller
 * has stopped waiting (timed out or died).
 */
export function reply(from: From, value: unknown): void {
  if (actingProc('GenServer.reply to', from.pid) !== null) replyTo(from, value);
}

function replyTo(from: From, value: unknown): void {
  const caller = procOf(from.pid);
  if (caller !== null && holdsMonitor(caller, from.ref))
    deliver(caller, new Reply(from.ref, value));
}

/** Stops a server with `reason` after its `terminate` has run; waits until it has exited. */
export async function stopServer(
  server: Server,
  reason: ExitReason = 'normal',
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  const caller = actingProc('GenServer.stop of', server);
  if (caller === null) return never();
  const target = serverProc(server);
  if (target === null)
    throw new ExitError('noproc', `GenServer.stop: no process for ${formatReason(server)}`);
  if (target === caller)
    throw new ExitError('calling_self', 'GenServer.stop: a server cannot wait for its own exit');
  const mark = caller.mailbox.mark();
  const ref = monitorProc(caller, target);
  deliver(target, new StopRequest(reason));
  const down = await receiveIn(caller, (m) => isDownFor(m, ref), timeoutMs, mark);
  if (down === TIMEOUT) {
    settleMonitor(caller, ref);
    throw new ExitError(
      'timeout',
      `GenServer.stop: ${formatReason(server)} did not stop in ${timeoutMs} ms`,
    );
  }
  const exitReason = (down as DownMessage).reason;
  if (exitReason !== reason && exitReason !== 'noproc') throw new ExitError(exitReason);
}

export type { NameRegistry, ServerName };

/** The GenServer API, grouped like Elixir's module. */
export const GenServer = { start, startLink, call, cast, reply, stop: stopServer };
