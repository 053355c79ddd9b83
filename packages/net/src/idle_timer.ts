/**
 * A connection's idle clock: how long since the client last sent something, on a timer of the
 * owning process's own (`sendAfter`, as `erlang:send_after` would do it). Input only notes the
 * time, so a busy connection costs no timer per line; when the timer fires, the process asks
 * `expired()`, which re-arms the timer for what is left if the client spoke meanwhile.
 *
 * ```ts
 * const idle = new IdleTimer(config.idleTimeoutMs, 'idle'); // 0: never
 * idle.start();
 * // on every line or frame the client sends: idle.touch();
 * // on the message 'idle': if (idle.expired()) goodbye('idle for too long');
 * ```
 */
import { self, sendAfter } from '@otp-chat/otp';

export class IdleTimer {
  private lastInput = performance.now();
  private started = false;

  /** `idleMs` 0 never fires. `tag` is the message the timer sends the process. */
  constructor(
    readonly idleMs: number,
    readonly tag: string,
  ) {}

  /** Starts the clock, in the process that is to get `tag`; once started, does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.lastInput = performance.now();
    if (this.idleMs > 0) sendAfter(self(), this.tag, this.idleMs);
  }

  /** The client sent something. */
  touch(): void {
    this.lastInput = performance.now();
  }

  /** On `tag`: true if the client has been quiet for `idleMs`; else the timer is set again. */
  expired(): boolean {
    const quiet = performance.now() - this.lastInput;
    if (quiet >= this.idleMs) return true;
    sendAfter(self(), this.tag, this.idleMs - quiet);
    return false;
  }
}
