/**
 * A process's mailbox: messages in arrival order, with selective removal.
 *
 * Taking the oldest message is O(1). Taking one from the middle (a selective receive) leaves a
 * hole that later scans skip; the array is compacted once holes or consumed slots dominate, so
 * the cost stays amortised O(1) per message. `mark()` returns a position that later scans may
 * start from: a call waiting for its reply need not look at messages that arrived before the
 * request went out (Erlang's receive-marker optimisation).
 */
const HOLE: unique symbol = Symbol('hole');

export class Mailbox {
  private items: unknown[] = [];
  private head = 0;
  private holes = 0;
  /** How many slots compaction has dropped: keeps marks valid across compactions. */
  private dropped = 0;

  get size(): number {
    return this.items.length - this.head - this.holes;
  }

  push(message: unknown): void {
    this.items.push(message);
  }

  mark(): number {
    return this.dropped + this.items.length;
  }

  /** Removes and returns the oldest message, or HOLE when empty. */
  shift(): unknown {
    const items = this.items;
    while (this.head < items.length) {
      const message = items[this.head++];
      if (message !== HOLE) {
        this.afterTake();
        return message;
      }
      this.holes--;
    }
    return HOLE;
  }

  /** Removes and returns the oldest message that matches, scanning from `from` (a mark). */
  take(match: (message: unknown) => boolean, from = 0): unknown {
    const items = this.items;
    const start = Math.max(this.head, from - this.dropped);
    for (let i = start; i < items.length; i++) {
      const message = items[i];
      if (message === HOLE || !match(message)) continue;
      if (i === this.head) {
        this.head++;
      } else {
        items[i] = HOLE;
        this.holes++;
      }
      this.afterTake();
      return message;
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
    const items = this.items;
    const taken: unknown[] = [];
    for (let i = Math.max(this.head, from - this.dropped); i < items.length; i++) {
      const message = items[i];
      if (message === HOLE || !match(message)) continue;
      items[i] = HOLE;
      this.holes++;
      taken.push(message);
    }
    if (taken.length > 0) this.compactIfSparse();
    return taken;
  }

  /** Every message, oldest first, leaving the mailbox empty. */
  drain(): unknown[] {
    const rest = this.items.slice(this.head).filter((m) => m !== HOLE);
    this.clear();
    return rest;
  }

  clear(): void {
    this.dropped += this.items.length;
    this.items = [];
    this.head = 0;
    this.holes = 0;
  }

  /**
   * Once the last message is taken the array starts over (it keeps its identity, so this costs
   * no allocation); short queues, the common case, never reach a compaction. Only after a few
   * messages, so that a one-in-one-out exchange does not free and regrow the backing store.
   */
  private afterTake(): void {
    const items = this.items;
    if (this.head === items.length && this.head >= 16) {
      this.dropped += this.head;
      items.length = 0;
      this.head = 0;
    } else {
      this.compactIfSparse();
    }
  }

  private compactIfSparse(): void {
    const dead = this.head + this.holes;
    if (dead < 1024 || dead * 2 < this.items.length) return;
    if (this.head === this.items.length) {
      this.clear();
      return;
    }
    // Marks stay valid only if no live slot moves before a mark, so compact the consumed prefix
    // only; holes further in are dropped when the scan position passes them.
    this.dropped += this.head;
    this.items = this.items.slice(this.head);
    this.head = 0;
    if (this.holes * 2 > this.items.length) this.squeezeHoles();
  }

  private squeezeHoles(): void {
    // Dropping holes moves later messages left. Counting the removed holes in `dropped` moves
    // every message's absolute position right or leaves it; a mark therefore still covers every
    // message that came after it, and at worst a few older ones get scanned again.
    const live = this.items.filter((m) => m !== HOLE);
    this.dropped += this.items.length - live.length;
    this.items = live;
    this.holes = 0;
  }
}

export { HOLE };
