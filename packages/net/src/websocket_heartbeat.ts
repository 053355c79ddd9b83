/**
 * A WebSocket heartbeat, on a timer of the owning process's own (`sendAfter`, as
 * `erlang:send_after` would do it). Every `intervalMs` the process gets `HEARTBEAT` and pings the
 * peer; browsers and ws answer with a pong on their own. A peer that has not answered the
 * previous ping by the time the next is due is gone (a dropped network, a sleeping laptop)
 * without having closed.
 *
 * ```ts
 * const heartbeat = new WebSocketHeartbeat(ws, config.heartbeatMs);
 * heartbeat.start();
 * // on the port's ['pong']: heartbeat.pong();
 * // on the message HEARTBEAT: if (!heartbeat.beat()) goodbye('no pong');
 * // when the process stops: heartbeat.stop();
 * ```
 */
import { cancelTimer, type Ref, self, sendAfter } from '@otp-chat/otp';

/** What the heartbeat's timer sends its process. */
export const HEARTBEAT = 'heartbeat';

export class WebSocketHeartbeat {
  private timer: Ref | undefined;
  private answered = true;

  constructor(
    private readonly ws: { ping(): void },
    readonly intervalMs: number,
  ) {}

  /** Sets the next timer (one at a time), in the process that is to get `HEARTBEAT`. */
  start(): void {
    this.stop();
    this.timer = sendAfter(self(), HEARTBEAT, this.intervalMs);
  }

  /** The peer answered a ping. */
  pong(): void {
    this.answered = true;
  }

  /** On `HEARTBEAT`: pings and sets the next timer; false, and no ping, if the last went unanswered. */
  beat(): boolean {
    this.timer = undefined;
    if (!this.answered) return false;
    this.answered = false;
    this.ws.ping();
    this.start();
    return true;
  }

  /** Cancels the timer (a `HEARTBEAT` already in the mailbox stays there). */
  stop(): void {
    if (this.timer !== undefined) cancelTimer(this.timer);
    this.timer = undefined;
  }
}
