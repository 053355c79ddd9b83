/**
 * The names of the running rooms, kept sorted in the listing's order, so that a page of the
 * listing is a binary search for its cursor and then `limit` steps: O(log N + limit) with N
 * rooms, where a pass over the registry was O(N) per page (20,000 rooms: ~22 ms a page, which
 * one client asking again and again turned into seconds of delay for everyone).
 *
 * Erlang keeps such an index in an ETS `ordered_set` owned by a small process that monitors the
 * rooms: the owner writes, anyone reads without a message. This is that: the RoomIndex process
 * owns `sorted` and is the only one to change it. A room tells the index that it has started (a
 * call from its init, so it is listed before anyone can join it); the index monitors it and,
 * however the room stops (it emptied, crashed, was killed), drops it on the DOWN. A reader
 * checks each name against the registry (a room's entry goes the moment it exits), so a room
 * that has stopped is never shown, even before its DOWN has reached the index.
 */
import { inspect } from 'node:util';
import {
  type CallResult,
  type DownMessage,
  type From,
  GenServer,
  monitor,
  type NoReplyResult,
  type Pid,
  type StartResult,
} from '@otp-chat/otp';

/** The index's registered name. */
export const ROOM_INDEX = 'ChatServer.RoomIndex';

export interface Indexed {
  /** The room's name as the room spells it: what the index sorts on. */
  readonly id: string;
  /** The room's key in the rooms' registry, where a reader finds its listing. */
  readonly key: string;
  readonly pid: Pid;
}

/** The order of `localeCompare`, with the locale data looked up once rather than per comparison. */
export const byName = new Intl.Collator();

/** The index as its owner keeps it; empty until the index starts (the table has no owner yet). */
let sorted: Indexed[] = [];
/** The name each listed room runs under, by pid: where to look for it when it stops. */
let idOf = new Map<Pid, string>();

type Call = readonly ['started', room: Indexed];

const callbacks = {
  name: 'RoomIndex',

  init(): readonly ['ok', null] {
    // A new owner, a new table: the rooms it knew were restarted with it (rest_for_one).
    sorted = [];
    idOf = new Map();
    return ['ok', null];
  },

  handleCall(request: Call, _from: From, state: null): CallResult<null> {
    if (request[0] !== 'started') throw new Error(`RoomIndex: unknown call ${inspect(request)}`);
    add(request[1]);
    return ['reply', 'ok', state];
  },

  handleInfo(message: unknown, state: null): NoReplyResult<null> {
    if ((message as DownMessage | null)?.type === 'DOWN')
      remove((message as DownMessage).pid as Pid);
    return ['noreply', state];
  },
};

/** Lists a room at its place in the order (an insertion moves the tail: one memmove). */
function add(room: Indexed): void {
  const { id, pid } = room;
  monitor(pid);
  idOf.set(pid, id);
  const at = firstFrom(id);
  // A room restarted after a crash is back before the DOWN of its last run: one entry.
  const same = sameName(at, (listed) => listed.id === id);
  if (same === -1) sorted.splice(at, 0, room);
  else sorted[same] = room;
}

/** Drops the room that ran as `pid`, unless a new run of it has taken its entry since. */
function remove(pid: Pid): void {
  const id = idOf.get(pid);
  if (id === undefined) return;
  idOf.delete(pid);
  const at = sameName(firstFrom(id), (room) => room.pid === pid);
  if (at !== -1) sorted.splice(at, 1);
}

/** The first of the rooms that sort with the one at `at` to satisfy `test`, or -1. */
function sameName(at: number, test: (room: Indexed) => boolean): number {
  const id = sorted[at]?.id;
  for (let i = at; id !== undefined && i < sorted.length; i++) {
    if (byName.compare(sorted[i]!.id, id) !== 0) break;
    if (test(sorted[i]!)) return i;
  }
  return -1;
}

/** Where the rooms that sort with `id` or after it begin: a binary search, O(log N). */
function firstFrom(id: string): number {
  return search((order) => order < 0, id);
}

/** Where the rooms that sort after `id` begin. */
function firstAfter(id: string): number {
  return search((order) => order <= 0, id);
}

/** The first room for which `before(compare(room, id))` is false (the rooms are sorted). */
function search(before: (order: number) => boolean, id: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(byName.compare(sorted[middle]!.id, id))) low = middle + 1;
    else high = middle;
  }
  return low;
}

export const RoomIndex = {
  ...callbacks,

  startLink(): Promise<StartResult> {
    return GenServer.startLink(callbacks, undefined, { name: ROOM_INDEX });
  },

  /** Called by a room as it starts: it is listed from now on, until it stops. */
  started(room: Indexed): Promise<'ok'> {
    return GenServer.call(ROOM_INDEX, ['started', room]);
  },

  /**
   * The rooms that sort after `after` (all of them without it), in order, one at a time: a
   * binary search for where to begin, then a step per room read. `left` says how many are
   * indexed past the one just read.
   */
  *after(after: string | undefined): Generator<Indexed & { left: number }> {
    const from = after === undefined ? 0 : firstAfter(after);
    for (let i = from; i < sorted.length; i++) yield { ...sorted[i]!, left: sorted.length - i - 1 };
  },
};
