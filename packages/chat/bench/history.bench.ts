/**
 * `npx pnpm bench history`: what a room's history costs, in memory and in time.
 *
 *   npx pnpm bench history              100,000 messages per memory figure, 5 runs of each rate
 *   npx pnpm bench history --quick      tiny sizes: checks that the bench still runs
 *   npx pnpm bench history --node 24    the same under Node 24
 *
 * - bytes per stored message: the heap a full history of 100,000 messages takes (measured with
 *   the collector exposed), divided by 100,000, beside messageBytes' estimate (what the
 *   keeper's budget counts). Texts of 100 characters, Latin-1 and two-byte, each its own flat
 *   string (as decoded from a socket); names from a pool of 50, shared as a room shares its
 *   members' names.
 * - append cost: nanoseconds per append to a full history (the ring wrapping) of 100 messages
 *   and of 100,000, and their ratio, the runs taking turns; beside it, the same for an array
 *   kept to its last N by `slice` on every push, the cost the ring is there to avoid.
 */
import { parseArgs } from 'node:util';
import {
  messageBytes,
  newEpoch,
  newHistoryMessage,
  RoomHistory,
  type Said,
} from '../src/history.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const stored = values.quick ? 2_000 : 100_000;
const runs = values.quick ? 1 : 5;
const appends = values.quick ? 20_000 : 1_000_000;
const SMALL = 100;
const LARGE = values.quick ? 2_000 : 100_000;
const TEXT_LENGTH = 100;

/** One epoch, as a history's messages share one (a random 53-bit number, boxed like theirs). */
const EPOCH = newEpoch();

const NAMES = Array.from({ length: 50 }, (_, i) => `user${i}`);

/** A flat string of TEXT_LENGTH characters, distinct for each n, decoded as a socket's would be. */
function text(n: number, character: string): string {
  const line = `${n} `.padEnd(TEXT_LENGTH, character);
  return Buffer.from(line, 'utf8').toString('utf8');
}

function saidList(count: number, character: string): Said[] {
  return Array.from({ length: count }, (_, n) => ({
    from: NAMES[n % 50]!,
    text: text(n, character),
  }));
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npx pnpm bench history does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The measured heap and the estimate, per message, of a full history of `stored` messages. */
function bytesPerMessage(character: string): { measured: number; estimated: number } {
  const before = heapUsed();
  const history = new RoomHistory({ max: stored });
  for (let n = 0; n < stored; n++)
    history.append({ from: NAMES[n % 50]!, text: text(n, character) });
  const measured = (heapUsed() - before) / stored;
  const estimated = history.bytes / stored;
  if (history.size !== stored) throw new Error('the history did not fill');
  return { measured, estimated };
}

/** Nanoseconds per append to a full ring of `max` messages. */
function ringAppend(max: number, said: Said[]): number {
  const history = new RoomHistory({ max });
  for (let n = 0; n < max; n++) history.append(said[n % said.length]!, n);
  const start = process.hrtime.bigint();
  for (let n = 0; n < appends; n++) history.append(said[n % said.length]!, n);
  return Number(process.hrtime.bigint() - start) / appends;
}

/** Nanoseconds per append to an array kept to its last `max` messages by slice. */
function sliceAppend(max: number, said: Said[]): number {
  const message = (n: number) => newHistoryMessage(said[n % said.length]!, EPOCH, n, n);
  // Filled at once: filled by its own pushes, it would cost the square of max.
  let kept = Array.from({ length: max }, (_, n) => message(n));
  // Each append copies max messages: fewer of them at 100,000, or the run takes minutes.
  const sliceAppends = values.quick ? 100 : Math.max(20, Math.min(1_000, 5_000_000 / max));
  const start = process.hrtime.bigint();
  for (let n = 0; n < sliceAppends; n++) kept = [...kept.slice(1), message(n)];
  const perAppend = Number(process.hrtime.bigint() - start) / sliceAppends;
  if (kept.length !== max) throw new Error('the slice history did not fill');
  return perAppend;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

console.log(
  `history bench: Node ${process.version}, ${runs} run(s)${values.quick ? ', quick' : ''}`,
);

const latin1 = bytesPerMessage('e');
const twoByte = bytesPerMessage('ж');
console.log(
  `\nbytes per stored message (${stored.toLocaleString('en')} kept, ${TEXT_LENGTH}-character texts):`,
);
console.log(
  `  Latin-1    measured ${latin1.measured.toFixed(0)} B, estimated ${latin1.estimated.toFixed(0)} B`,
);
console.log(
  `  two-byte   measured ${twoByte.measured.toFixed(0)} B, estimated ${twoByte.estimated.toFixed(0)} B`,
);
// The estimate is what the budget counts: the sample message's figure, for the README.
const sample = { epoch: EPOCH, id: 1, timestamp: 0, from: 'user1', text: text(1, 'e') };
console.log(`  (messageBytes of one Latin-1 message: ${messageBytes(sample)} B)`);

const said = saidList(1_000, 'e');
const times = { ringSmall: [] as number[], ringLarge: [] as number[] };
const slices = { small: [] as number[], large: [] as number[] };
for (let run = 0; run < runs; run++) {
  times.ringSmall.push(ringAppend(SMALL, said));
  times.ringLarge.push(ringAppend(LARGE, said));
  slices.small.push(sliceAppend(SMALL, said));
  slices.large.push(sliceAppend(LARGE, said));
}
const ring = [median(times.ringSmall), median(times.ringLarge)] as const;
const slice = [median(slices.small), median(slices.large)] as const;
const large = LARGE.toLocaleString('en');
console.log(`\nappend to a full history, ns per append (median of ${runs}):`);
console.log(
  `  ring         N=${SMALL}: ${ring[0].toFixed(1)}   N=${large}: ${ring[1].toFixed(1)}   ratio ${(ring[1] / ring[0]).toFixed(2)}`,
);
console.log(
  `  slice (not)  N=${SMALL}: ${slice[0].toFixed(1)}   N=${large}: ${slice[1].toFixed(1)}   ratio ${(slice[1] / slice[0]).toFixed(2)}`,
);
