/**
 * A room's history: the last N messages said in it, each with a room-scoped id and the
 * server's timestamp, so that a newcomer can be shown what was said before, a client can page
 * backwards, and a client that reconnects can ask for exactly what it missed.
 *
 * The messages live in a ring buffer: a fixed number of slots written in turn, the newest
 * message over the oldest once the ring is full. An append writes one slot and moves one
 * index, whatever N is; `push` then `shift` (or a `slice` to the last N) would move every
 * message kept, on every message said.
 *
 * Ids start at 1 and go up by one per message, with no hole: message `id` is the `id`th thing
 * said in the room. So a query names messages by id, and what the ring no longer holds is a
 * plain count, the `gone` of a gap.
 *
 * Ids alone are not enough: a history can end (its room gone long enough, or dropped by the
 * server's memory budget, or the keeper that held it crashed) and a new one starts at 1 again,
 * so a client that saw id 40 of the old one would be answered with the new one's 41st message,
 * a message it never saw under an id it did. So every history has an epoch, a number drawn at
 * random when it is created, carried in each of its messages: a message is named by its
 * epoch and id together, and a query that names another epoch is answered that everything
 * before what is kept is gone, never with messages of another numbering. The keeper forgets a
 * dead history whole; the epoch is what lets it forget without a client being misled.
 */

/** What someone said in a room, before the history numbers it. */
export interface Said {
  readonly from: string;
  readonly text: string;
}

/** A message as a history keeps it: what was said, its id in the room, and when. */
export interface HistoryMessage extends Said {
  /** The history's epoch: the same for every message numbered in one run of ids. */
  readonly epoch: number;
  /** 1 for the room's first message, then up by one: no id is skipped. */
  readonly id: number;
  /** The server's time when the room accepted it (ms since the epoch). */
  readonly timestamp: number;
}

export type HistoryError = 'bad_limit' | 'unknown_id' | 'bad_epoch';

/**
 * What a query answers: the messages asked for, oldest first; or, when some of them are no
 * longer kept, a gap: how many are `gone` (all older than the ones `kept`), and the ones kept;
 * or an error. A query that names another epoch than the history's gets a gap whose `gone` is
 * 'all': how much of that numbering was said and lost, nobody knows any more; the client starts
 * again from what is `kept`, all of the history's own numbering.
 */
export type HistoryResult =
  | readonly ['ok', HistoryMessage[]]
  | readonly ['gap', gone: number | 'all', kept: HistoryMessage[]]
  | readonly ['error', HistoryError];

export interface RoomHistoryOptions {
  /** How many messages the room keeps; the most a query may ask for. Default 100. */
  readonly max?: number;
  /** The id issued last, so that numbering goes on after it (0 for a room never used). */
  readonly lastId?: number;
  /** The numbering's epoch; a new one (newEpoch) by default. */
  readonly epoch?: number;
}

export const DEFAULT_HISTORY_LENGTH = 100;

// #region ring
export class RoomHistory {
  /** How many messages the ring holds once full. */
  readonly max: number;
  /** The ring: it grows to `max` slots, then each append overwrites the oldest. */
  private slots: HistoryMessage[] = [];
  /** Once the ring is full, the slot the next append overwrites: the oldest message's. */
  private oldest = 0;
  /** Its numbering's epoch: ids are unique within it, and only within it. */
  readonly epoch: number;
  private issued: number;
  private storedBytes = 0;

  constructor({
    max = DEFAULT_HISTORY_LENGTH,
    lastId = 0,
    epoch = newEpoch(),
  }: RoomHistoryOptions = {}) {
    if (!isWhole(max) || max < 1) throw new RangeError(`RoomHistory: bad max ${max}`);
    if (!isWhole(lastId) || lastId < 0) throw new RangeError(`RoomHistory: bad lastId ${lastId}`);
    if (!isWhole(epoch)) throw new RangeError(`RoomHistory: bad epoch ${epoch}`);
    this.max = max;
    this.issued = lastId;
    this.epoch = epoch;
  }

  /** The id of the last message said in the room (0 if none yet), kept or not. */
  get lastId(): number {
    return this.issued;
  }

  /** How many messages are kept. */
  get size(): number {
    return this.slots.length;
  }

  /** The estimated bytes of the messages kept (see messageBytes). */
  get bytes(): number {
    return this.storedBytes;
  }

  /** Keeps what was said as the room's next message: the next id, and the server's time. */
  append(said: Said, timestamp = Date.now()): HistoryMessage {
    const message = newHistoryMessage(said, this.epoch, this.issued + 1, timestamp);
    this.store(message);
    return message;
  }

  /**
   * Keeps a message numbered elsewhere (by the room's HistoryWriter). An id past the next one
   * means messages this history never got: it forgets what it kept, so that what it keeps
   * stays a run of consecutive ids, and the ones it missed read as gone. False, and nothing
   * kept, for an id already issued or a message of another epoch.
   */
  store(message: HistoryMessage): boolean {
    if (message.epoch !== this.epoch) return false;
    if (!isWhole(message.id) || message.id <= this.issued) return false;
    if (message.id !== this.issued + 1) this.forget();
    this.issued = message.id;
    this.storedBytes += messageBytes(message);
    if (this.slots.length < this.max) {
      this.slots.push(message);
      return true;
    }
    this.storedBytes -= messageBytes(this.slots[this.oldest]!);
    this.slots[this.oldest] = message;
    this.oldest = (this.oldest + 1) % this.max;
    return true;
  }

  /** Drops every message kept; ids go on where they were, in the same epoch. */
  forget(): void {
    this.slots = [];
    this.oldest = 0;
    this.storedBytes = 0;
  }
  // #endregion ring

  // #region queries
  /** The last `k` messages. */
  last(k: number): HistoryResult {
    if (!this.isLimit(k)) return ['error', 'bad_limit'];
    return this.range(this.issued - k + 1, this.issued);
  }

  /**
   * The `k` messages before message `id` of `epoch`: the page above it when scrolling back.
   * Above a message of another epoch, nothing is kept.
   */
  before(epoch: number, id: number, k: number): HistoryResult {
    if (!this.isLimit(k)) return ['error', 'bad_limit'];
    if (!isWhole(epoch)) return ['error', 'bad_epoch'];
    if (!isWhole(id) || id < 1) return ['error', 'unknown_id'];
    if (epoch !== this.epoch) return ['gap', 'all', []];
    if (!this.wasIssued(id)) return ['error', 'unknown_id'];
    return this.range(id - k, id - 1);
  }

  /**
   * Every message after message `id` of `epoch`, for a client that saw it last and
   * reconnects; at most `max` of them: more would be gone anyway. Id 0 (nothing seen yet)
   * reads the same in any epoch. After a message of another epoch: a gap of 'all', and every
   * message kept, so that the client starts again from this numbering.
   */
  since(epoch: number, id: number): HistoryResult {
    if (!isWhole(epoch)) return ['error', 'bad_epoch'];
    if (!isWhole(id) || id < 0) return ['error', 'unknown_id'];
    if (id === 0) return this.range(1, this.issued);
    if (epoch !== this.epoch) return ['gap', 'all', this.keptMessages()];
    if (!this.wasIssued(id)) return ['error', 'unknown_id'];
    return this.range(id + 1, this.issued);
  }

  /** Every message kept, oldest first. */
  private keptMessages(): HistoryMessage[] {
    return Array.from({ length: this.slots.length }, (_, offset) => this.at(offset));
  }

  /** The messages from id `first` to `last`, those before id 1 left out, or a gap. */
  private range(first: number, last: number): HistoryResult {
    const from = Math.max(first, 1);
    const firstKept = this.issued - this.slots.length + 1;
    const kept: HistoryMessage[] = [];
    for (let id = Math.max(from, firstKept); id <= last; id++) kept.push(this.at(id - firstKept));
    const gone = Math.min(last, firstKept - 1) - from + 1;
    return gone > 0 ? ['gap', gone, kept] : ['ok', kept];
  }

  /** The `offset`th message kept, the oldest being 0. */
  private at(offset: number): HistoryMessage {
    return this.slots[(this.oldest + offset) % this.slots.length]!;
  }

  private isLimit(k: number): boolean {
    return isWhole(k) && k >= 1 && k <= this.max;
  }

  private wasIssued(id: number): boolean {
    return isWhole(id) && id >= 1 && id <= this.issued;
  }
  // #endregion queries
}

/** A history message, frozen: the room broadcasts the same object the history keeps. */
export function newHistoryMessage(
  said: Said,
  epoch: number,
  id: number,
  timestamp: number,
): HistoryMessage {
  return Object.freeze({ epoch, id, timestamp, from: said.from, text: said.text });
}

// #region epoch
/**
 * A new epoch: a random whole number below 2^53 (JSON carries it exactly). Random rather than
 * the clock: a keeper that crashes and starts again knows nothing of the epochs it gave out,
 * and a clock can be set back, but two draws agree once in about 4.5 * 10^15 (Math.random
 * gives 52 random bits), so an old epoch is never taken for a new one in practice.
 */
export function newEpoch(): number {
  return Math.floor(Math.random() * 2 ** 53);
}
// #endregion epoch

// #region bytes
/**
 * An estimate of the heap a kept message takes, so that the server can keep a budget of bytes
 * for all its rooms without measuring the heap: the message object (its five fields, the boxed
 * timestamp and epoch, its slot in the ring) and each string as a header plus one byte a character when
 * all of them are Latin-1, two otherwise, as V8 stores strings. `npx pnpm bench history`
 * measures the real figure beside this one. The name counts in full, though a room's messages
 * share their sender's name string: the estimate errs high by that much, never low.
 */
export function messageBytes(message: HistoryMessage): number {
  return MESSAGE_OBJECT_BYTES + stringBytes(message.from) + stringBytes(message.text);
}

/**
 * What the bench measures for a message beyond its text (Node 20 and 24, pointer compression):
 * 84 B before messages carried their epoch, 24 B more since (a field, and a boxed double, as a
 * 53-bit epoch is too large for V8's small integers).
 */
const MESSAGE_OBJECT_BYTES = 108;
const STRING_HEADER_BYTES = 16;

function stringBytes(text: string): number {
  const perCharacter = BEYOND_LATIN_1.test(text) ? 2 : 1;
  return STRING_HEADER_BYTES + text.length * perCharacter;
}

/** A character past U+00FF: V8 then stores the whole string with two bytes a character. */
const BEYOND_LATIN_1 = /[\u0100-\uffff]/;
// #endregion bytes

function isWhole(n: unknown): n is number {
  return Number.isSafeInteger(n);
}
