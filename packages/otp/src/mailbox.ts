/**
 * A process's mailbox: messages in arrival order, with selective removal.
 *
 * The queue is a chain of segments, small arrays that never grow: a push writes into the last
 * one, or links a new one (twice as large as the last, up to SEGMENT_MAX), and a segment whose
 * messages are all taken is unlinked. One growing array would copy itself at every growth and,
 * once large, live in the old generation, where every young message written into it is
 * remembered by the garbage collector: a server with a long queue (a burst of casts) paid for
 * both, several times what the messages themselves cost.
 *
 * Taking the oldest message is O(1). Taking one from the middle (a selective receive) leaves a
 * hole that later scans skip; a segment that is three quarters holes is copied down to its
 * messages, so memory stays within a small factor of the messages queued. `mark()` returns a position that later
 * scans may start from: a call waiting for its reply need not look at messages that arrived
 * before the request went out (Erlang's receive-marker optimisation).
 */
const HOLE: unique symbol = Symbol('hole');

/** The first segment's size; each next one doubles, up to SEGMENT_MAX. */
const SEGMENT_MIN = 8;
const SEGMENT_MAX = 1024;
/** An emptied mailbox keeps its last segment for the next messages only up to this size. */
const SEGMENT_KEPT = 64;

/** A run of consecutive positions: `items[i]` holds the message at position `start + i`. */
class Segment {
  items: unknown[];
  start: number;
  /** The first slot not yet consumed. */
  head = 0;
  /** One past the last slot written. */
  end = 0;
  /** Taken slots (HOLE) between head and end. */
  holes = 0;
  next: Segment | null = null;

  constructor(capacity: number, start: number) {
    this.items = new Array(capacity);
    this.start = start;
  }

  get live(): number {
    return this.end - this.head - this.holes;
  }
}

export class Mailbox {
  private first: Segment | null = null;
  private last: Segment | null = null;
  private count = 0;
  /** Positions handed out so far: the next message's position, and what `mark()` returns. */
  private pushed = 0;

  get size(): number {
    return this.count;
  }

  push(message: unknown): void {
    let last = this.last;
    if (last === null || last.end === last.items.length) last = this.grow(last);
    last.items[last.end++] = message;
    this.count++;
    this.pushed++;
  }

  mark(): number {
    return this.pushed;
  }

  /** Removes and returns the oldest message, or HOLE when empty. */
  shift(): unknown {
    if (this.count === 0) return HOLE;
    let segment = this.first as Segment;
    // The common case: the oldest slot of the first segment holds a message, and more follow.
    const head = segment.head;
    const oldest = segment.items[head];
    if (oldest !== HOLE && this.count > 1 && head + 1 < segment.end) {
      segment.items[head] = undefined;
      segment.head = head + 1;
      this.count--;
      return oldest;
    }
    for (;;) {
      const items = segment.items;
      while (segment.head < segment.end) {
        const message = items[segment.head];
        items[segment.head++] = undefined;
        if (message !== HOLE) {
          this.taken(null, segment);
          return message;
        }
        segment.holes--;
      }
      // count > 0, so a later segment holds the message.
      segment = this.first = segment.next as Segment;
    }
  }

  /**
   * Moves the oldest messages to the end of `into` until it holds `max`, oldest first: what
   * `shift` would give, one after another, in a single pass (for `receiveMany`).
   */
  shiftInto(into: unknown[], max: number): void {
    if (this.count === 0) return;
    const before = into.length;
    for (let segment = this.first as Segment; ; segment = this.first = segment.next as Segment) {
      const items = segment.items;
      let head = segment.head;
      for (; head < segment.end && into.length < max; head++) {
        const message = items[head];
        items[head] = undefined;
        if (message === HOLE) segment.holes--;
        else into.push(message);
      }
      segment.head = head;
      if (head < segment.end || segment === this.last) break;
    }
    this.count -= into.length - before;
    if (this.count === 0) this.emptied();
  }

  /** Removes and returns the oldest message that matches, scanning from `from` (a mark). */
  take(match: (message: unknown) => boolean, from = 0): unknown {
    if (this.count === 0) return HOLE;
    let previous: Segment | null = null;
    for (let segment = this.first; segment !== null; segment = segment.next) {
      const items = segment.items;
      for (let i = Math.max(segment.head, from - segment.start); i < segment.end; i++) {
        const message = items[i];
        if (message === HOLE || !match(message)) continue;
        this.removeAt(previous, segment, i);
        return message;
      }
      previous = segment;
    }
    return HOLE;
  }

  /**
   * Removes every message that matches, in one pass from `from` (a mark): for
   * `demonitor(ref, { flush: true })` and a call's late reply, which cannot be older than the mark.
   */
  removeAll(match: (message: unknown) => boolean, from = 0): number {
    return this.takeAll(match, from).length;
  }

  /**
   * Removes every message that matches, from `from` (a mark) on, and returns them oldest first:
   * a port given to another owner takes its messages along.
   */
  takeAll(match: (message: unknown) => boolean, from = 0): unknown[] {
    const taken: unknown[] = [];
    let previous: Segment | null = null;
    let segment = this.first;
    while (segment !== null) {
      const next = segment.next;
      const items = segment.items;
      let i = Math.max(segment.head, from - segment.start);
      // Stop at the first removal that unlinks or copies the segment, and rescan it from there.
      let changed = false;
      for (; i < segment.end && !changed; i++) {
        const message = items[i];
        if (message === HOLE || !match(message)) continue;
        taken.push(message);
        changed = this.removeAt(previous, segment, i);
      }
      if (changed) {
        if (this.count === 0) break;
        // The segment was unlinked (go on after it) or replaced by its copy (scan the copy).
        segment = previous === null ? this.first : previous.next;
        if (segment !== next) continue;
      } else {
        previous = segment;
      }
      segment = next;
    }
    return taken;
  }

  /** Every message, oldest first, leaving the mailbox empty. */
  drain(): unknown[] {
    const rest: unknown[] = [];
    for (let segment = this.first; segment !== null; segment = segment.next) {
      for (let i = segment.head; i < segment.end; i++) {
        const message = segment.items[i];
        if (message !== HOLE) rest.push(message);
      }
    }
    this.clear();
    return rest;
  }

  clear(): void {
    this.first = null;
    this.last = null;
    this.count = 0;
  }

  /** Links a new segment after `last` (null: the mailbox has none). */
  private grow(last: Segment | null): Segment {
    const capacity = last === null ? SEGMENT_MIN : Math.min(last.items.length * 2, SEGMENT_MAX);
    const segment = new Segment(capacity, this.pushed);
    if (last === null) this.first = segment;
    else last.next = segment;
    this.last = segment;
    return segment;
  }

  /**
   * Takes the message at `items[i]` of `segment` (`previous` links to it). True when the
   * segment was unlinked or replaced by a copy, so a scan must not go on in it.
   */
  private removeAt(previous: Segment | null, segment: Segment, i: number): boolean {
    if (i === segment.head) {
      segment.items[i] = undefined;
      segment.head++;
    } else {
      segment.items[i] = HOLE;
      segment.holes++;
    }
    return this.taken(previous, segment);
  }

  /** A message of `segment` was just taken: drop or shrink what is left of it. */
  private taken(previous: Segment | null, segment: Segment): boolean {
    if (--this.count === 0) {
      this.emptied();
      return true;
    }
    if (segment === this.last) return false;
    if (segment.live === 0) {
      this.unlink(previous, segment);
      return true;
    }
    // Holes only: slots taken in order from the head are freed when the head segment goes.
    const capacity = segment.items.length;
    if (capacity < 16 || segment.holes * 4 < capacity * 3) return false;
    this.replace(previous, segment, squeezed(segment));
    return true;
  }

  private unlink(previous: Segment | null, segment: Segment): void {
    if (previous === null) this.first = segment.next;
    else previous.next = segment.next;
  }

  private replace(previous: Segment | null, segment: Segment, copy: Segment): void {
    copy.next = segment.next;
    if (previous === null) this.first = copy;
    else previous.next = copy;
  }

  /**
   * Nothing is queued: a small last segment is kept for the next messages (a process that gets
   * one message at a time allocates nothing), a large one is let go.
   */
  private emptied(): void {
    const last = this.last as Segment;
    if (last.items.length > SEGMENT_KEPT) {
      this.first = this.last = null;
      return;
    }
    last.start = this.pushed;
    last.head = last.end = last.holes = 0;
    last.next = null;
    this.first = last;
  }
}

/**
 * A copy of a full segment holding only its messages. They keep their order and take the last
 * positions of the segment's range, so a message's position only ever grows: a mark still
 * covers every message that came after it, and at worst a scan from it sees a few older ones.
 */
function squeezed(segment: Segment): Segment {
  const live = segment.live;
  const copy = new Segment(live, segment.start + segment.end - live);
  let j = 0;
  for (let i = segment.head; i < segment.end; i++) {
    const message = segment.items[i];
    if (message !== HOLE) copy.items[j++] = message;
  }
  copy.end = live;
  return copy;
}

export { HOLE };
