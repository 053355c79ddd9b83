/**
 * `npx pnpm bench listing`: what one page of the rooms listing costs with 20,000 rooms running.
 *
 *   npx pnpm bench listing              20,000 rooms, pages of 100, 5 runs
 *   npx pnpm bench listing --quick      2,000 rooms, 1 run: checks that the bench still runs
 *   npx pnpm bench listing --node 24    the same under Node 24
 *
 * Microseconds per page (median of the runs), pages read from cursors spread over the listing:
 * `ChatServer.listRoomsPage` (a binary search in the rooms' index, then a step per room shown),
 * beside the pass over the whole registry it replaced (kept here only, as `pagePassingAll`).
 */
import { parseArgs } from 'node:util';
import { Registry, Supervisor } from '@otp-chat/otp';
import {
  ChatServer,
  ChatSupervisor,
  REGISTRY,
  type RoomListing,
  type RoomPage,
} from '../src/index.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const rooms = values.quick ? 2_000 : 20_000;
const runs = values.quick ? 1 : 5;
const pages = values.quick ? 50 : 500;
const LIMIT = 100;

const byName = new Intl.Collator();

/** The page as it was read before the index: one pass over every registered room. */
function pagePassingAll(after: string | undefined, limit: number): RoomPage {
  const page: RoomListing[] = [];
  let more = 0;
  for (const [, , listing] of Registry.entries<RoomListing>(REGISTRY)) {
    if (after !== undefined && byName.compare(listing.id, after) <= 0) continue;
    if (page.length === limit) {
      more++;
      if (limit === 0 || byName.compare(listing.id, page[limit - 1]!.id) >= 0) continue;
      page.pop();
    }
    page.splice(insertionPoint(page, listing.id), 0, listing);
  }
  return { rooms: page, more };
}

function insertionPoint(page: readonly RoomListing[], id: string): number {
  let low = 0;
  let high = page.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byName.compare(page[middle]!.id, id) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Microseconds per page, over `pages` pages from cursors spread over the listing. */
function microsPerPage(read: typeof pagePassingAll, cursors: readonly string[]): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < pages; i++) read(cursors[i % cursors.length], LIMIT);
  return Number(process.hrtime.bigint() - start) / 1000 / pages;
}

function median(figures: number[]): number {
  const sorted = [...figures].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

console.log(
  `listing bench: Node ${process.version}, ${rooms} rooms, pages of ${LIMIT}, ${runs} run(s)`,
);
const tree = await Supervisor.start(
  [{ id: 'rooms', start: () => ChatSupervisor.startLink(), type: 'supervisor' as const }],
  { strategy: 'one_for_one' },
);
const names = Array.from({ length: rooms }, (_, i) => `room${(i * 7919) % rooms}`);
for (const name of names) await ChatServer.createRoom(name);
const cursors = [undefined, ...names.slice(0, 99)] as string[];

// The two must agree before either is timed.
const indexed = ChatServer.listRoomsPage(cursors[1], LIMIT);
if (JSON.stringify(indexed) !== JSON.stringify(pagePassingAll(cursors[1], LIMIT)))
  throw new Error('the indexed page and the full pass disagree');

const before: number[] = [];
const after: number[] = [];
for (let run = 0; run < runs; run++) {
  before.push(microsPerPage(pagePassingAll, cursors));
  after.push(microsPerPage((cursor, limit) => ChatServer.listRoomsPage(cursor, limit), cursors));
}
console.log(`  a pass over every room (before): ${median(before).toFixed(1)} µs a page`);
console.log(`  the sorted index (now):          ${median(after).toFixed(1)} µs a page`);
await Supervisor.stop((tree as readonly ['ok', import('@otp-chat/otp').Pid])[1]);
