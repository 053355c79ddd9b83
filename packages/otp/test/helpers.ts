/**
 * Test helpers for the kernel and GenServer suites.
 *
 * Most tests run their body inside a fresh process (`inProcess`) rather than as the shell: each
 * test then starts with an empty mailbox and no links, and a test that dies cannot take the
 * shell (shared by every test in a file) down with it.
 */
import { afterEach, beforeEach } from 'vitest';
import {
  type CrashReport,
  captureCrashReports,
  type DownMessage,
  type Pid,
  Process,
  type Ref,
  receive,
  spawn,
  TIMEOUT,
} from '../src/index.ts';
import { monitorProc, procOf, spawnProc } from '../src/process.ts';

/** Runs `body` as a new process; resolves with what it returns, rejects with what it throws. */
export function inProcess<T>(body: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    spawn(async () => {
      try {
        resolve(await body());
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A promise with its resolve and reject in hand, for code that must wait on the test. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * The reason `pid` exits with (`noproc` if it is already gone), as a monitor reports it. The
 * monitor is in place when this returns, so an exit caused right after the call is not missed.
 */
export function exitReason(pid: Pid): Promise<unknown> {
  return new Promise((resolve) => {
    let ref: Ref | undefined;
    const { proc: watcher } = spawnProc(async () => {
      const down = (await receive((m) => (m as DownMessage).ref === ref)) as DownMessage;
      resolve(down.reason);
    });
    const target = procOf(pid);
    if (target === null) resolve('noproc');
    else ref = monitorProc(watcher, target);
  });
}

/** Everything in the calling process's mailbox, oldest first, without waiting. */
export async function mailboxContents(): Promise<unknown[]> {
  const messages: unknown[] = [];
  for (;;) {
    const message = await receive(undefined, 0);
    if (message === TIMEOUT) return messages;
    messages.push(message);
  }
}

/** Empties the shell's mailbox: a test that talks to the shell must not see the last one's mail. */
export async function drainShell(): Promise<void> {
  await mailboxContents();
}

/** Collects crash reports for every test of the calling `describe`, so none reach stderr. */
export function collectCrashReports(): { readonly reports: CrashReport[] } {
  const box = { reports: [] as CrashReport[] };
  let restore = () => {};
  beforeEach(() => {
    const capture = captureCrashReports();
    box.reports = capture.reports;
    restore = capture.restore;
  });
  afterEach(() => restore());
  return box;
}

/** Resolves after the event loop has gone round once (timers, I/O, immediates). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sleeps for real: only for waits that nothing can observe (a late reply that must not come). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True while `pid` has a Process.info entry, i.e. the runtime still shows it to anyone. */
export function visible(pid: Pid): boolean {
  return Process.info(pid) !== undefined;
}
