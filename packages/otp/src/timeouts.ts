/**
 * Receive timeouts without a Node timer per receive.
 *
 * Every `GenServer.call` waits with a timeout (5 s by default) that its reply cancels a few
 * microseconds later. A Node timer per wait costs an object, an async-hooks resource and a list
 * insertion and removal: about a sixth of a call. Waits of the same duration expire in the order
 * they began, so each duration gets a lane: a queue of deadlines in order, served by one Node
 * timer armed no later than the oldest. Cancelling marks the entry dead; dead entries leave from
 * the front, or in a sweep once they outnumber the live ones. The timer holds the event loop
 * open only while its lane has a live wait, as a timer per wait would, give or take one turn of
 * the event loop: a lane whose last wait ends is unreferenced once per turn, after every call
 * of that turn has come and gone, not at each call's reply (ref and unref are calls into libuv,
 * and a client calling in a loop empties and refills its lane at every call).
 *
 * A lane with no live wait keeps its (unreferenced) timer, so that the next call of the same
 * duration finds it armed; only IDLE_LANES such lanes are kept, so waits of ever-changing
 * durations (a deadline counted down) cannot pile up lanes. The lanes kept are found lazily,
 * when one more empties: a wait that starts in a lane does not take it out of the set of idle
 * lanes (a Set that goes from one entry to none and back at every call has V8 reallocate its
 * table each time), it marks the lane used, and a used lane gets a second chance.
 */

const MAX_DELAY = 2 ** 31 - 1;
const IDLE_LANES = 16;

/** A pending timeout; `cancel` it when the wait ends some other way. */
export interface Deadline<T> {
  owner: T | null;
  readonly at: number;
  readonly lane: Lane<T>;
}

interface Lane<T> {
  readonly ms: number;
  entries: Array<Deadline<T> | null>;
  head: number;
  live: number;
  timer: NodeJS.Timeout | null;
  /** Whether the timer keeps the event loop alive (while `live > 0`, and until `unrefIdle`). */
  referenced: boolean;
  /** Whether the lane is in `emptied`, waiting for `unrefIdle`. */
  emptied: boolean;
  /** Whether the lane is in `idle` (where it may stay while it has live waits again). */
  idle: boolean;
  /** A wait started since the lane was last looked at in `idle`: it is not the one to drop. */
  used: boolean;
}

export class Timeouts<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  /** How many lanes exist (for tests: waits of many durations must not pile them up). */
  get laneCount(): number {
    return this.lanes.size;
  }

  /** Lanes that had no live wait when last seen, oldest first: see `keepIdle`. */
  private readonly idle = new Set<Lane<T>>();

  /** Lanes emptied during this turn of the event loop, for `unrefIdle` to look at. */
  private emptied: Array<Lane<T>> = [];

  /** `expire(owner)` runs when a deadline passes without being cancelled. */
  constructor(private readonly expire: (owner: T) => void) {}

  start(owner: T, ms: number): Deadline<T> {
    const lane = this.laneFor(ms);
    const deadline: Deadline<T> = { owner, at: performance.now() + ms, lane };
    lane.entries.push(deadline);
    lane.live++;
    lane.used = true;
    // A later deadline never needs an earlier timer: one armed for an older entry fires first.
    if (lane.timer === null) this.arm(lane, ms);
    else if (!lane.referenced) {
      lane.timer.ref();
      lane.referenced = true;
    }
    return deadline;
  }

  cancel(deadline: Deadline<T>): void {
    if (deadline.owner === null) return;
    deadline.owner = null;
    const lane = deadline.lane;
    lane.live--;
    dropDeadFront(lane);
    if (lane.live === 0) {
      if (lane.referenced && !lane.emptied) this.unrefLater(lane);
      this.keepIdle(lane);
    } else if (lane.entries.length - lane.head > 2 * lane.live + 1024) {
      sweep(lane);
    }
  }

  private unrefLater(lane: Lane<T>): void {
    lane.emptied = true;
    this.emptied.push(lane);
    if (this.emptied.length === 1) setImmediate(this.unrefIdle);
  }

  /** Once per turn: lets the event loop go past the timers of lanes that are still empty. */
  private readonly unrefIdle = (): void => {
    const lanes = this.emptied;
    this.emptied = [];
    for (const lane of lanes) {
      lane.emptied = false;
      if (lane.live > 0 || !lane.referenced) continue;
      lane.timer?.unref();
      lane.referenced = false;
    }
  };

  /**
   * `lane` has no live wait: it joins the idle lanes, and when they are too many, one with no
   * live wait that was not used since it was last looked at is dropped. The others are looked
   * at in order: a lane with live waits leaves the set, a used one goes to the back unused.
   */
  private keepIdle(lane: Lane<T>): void {
    if (lane.idle) return;
    lane.idle = true;
    this.idle.add(lane);
    while (this.idle.size > IDLE_LANES) {
      const oldest = this.idle.values().next().value as Lane<T>;
      this.idle.delete(oldest);
      if (oldest.live > 0) {
        oldest.idle = false;
      } else if (oldest.used) {
        oldest.used = false;
        this.idle.add(oldest);
      } else {
        oldest.idle = false;
        if (oldest.timer !== null) clearTimeout(oldest.timer);
        this.lanes.delete(oldest.ms);
      }
    }
  }

  private laneFor(ms: number): Lane<T> {
    let lane = this.lanes.get(ms);
    if (lane === undefined) {
      lane = {
        ms,
        entries: [],
        head: 0,
        live: 0,
        timer: null,
        referenced: false,
        emptied: false,
        idle: false,
        used: false,
      };
      this.lanes.set(ms, lane);
    }
    return lane;
  }

  private arm(lane: Lane<T>, delay: number): void {
    // Node fires longer delays than 2^31 - 1 ms after 1 ms; a long wait is re-armed instead.
    lane.timer = setTimeout(() => this.fire(lane), Math.min(delay, MAX_DELAY));
    lane.referenced = true;
  }

  private fire(lane: Lane<T>): void {
    lane.timer = null;
    const now = performance.now();
    const entries = lane.entries;
    while (lane.head < entries.length) {
      const deadline = entries[lane.head];
      if (deadline != null && deadline.owner !== null) {
        // Node's timers may fire a fraction of a millisecond before our clock says: wait on.
        if (deadline.at > now) break;
        const owner = deadline.owner;
        deadline.owner = null;
        lane.live--;
        this.expire(owner);
      }
      entries[lane.head++] = null;
    }
    if (lane.head === entries.length) {
      lane.entries = [];
      lane.head = 0;
    }
    if (lane.timer !== null) return; // `expire` started a new wait that armed it again
    const next = entries[lane.head];
    if (lane.live > 0 && next != null) this.arm(lane, Math.max(1, Math.ceil(next.at - now)));
    else if (lane.live === 0) {
      this.idle.delete(lane);
      lane.idle = false;
      this.lanes.delete(lane.ms);
    }
  }
}

function dropDeadFront<T>(lane: Lane<T>): void {
  const entries = lane.entries;
  while (lane.head < entries.length && entries[lane.head]?.owner == null) {
    entries[lane.head++] = null;
  }
  if (lane.head === entries.length && lane.head > 1024) {
    lane.entries = [];
    lane.head = 0;
  }
}

function sweep<T>(lane: Lane<T>): void {
  lane.entries = lane.entries.slice(lane.head).filter((d) => d !== null && d.owner !== null);
  lane.head = 0;
}
