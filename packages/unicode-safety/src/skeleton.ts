/**
 * The confusable skeleton of Unicode Technical Standard #39, section 4.
 *
 * Two strings that look alike have the same skeleton: `skeleton('раураl')` (Cyrillic р, а, у)
 * is `skeleton('paypal')`. The skeleton is a key, never something to show: `m` becomes `rn`,
 * `0` becomes `O`, `1` becomes `l`.
 */
import { LENGTHS, PROTOTYPES, SOURCES } from './confusables_table.ts';
import { LENGTH_OFFSET, SOURCE_OFFSET } from './table_encoding.ts';

/** The table, decoded: sorted source code points and each one's prototype as a string. */
export interface ConfusableTable {
  readonly sources: Uint32Array;
  /** The prototype of sources[i] is text.slice(starts[i], starts[i + 1]). */
  readonly starts: Uint32Array;
  readonly text: string;
}

/**
 * Decodes the compact table (format: scripts/confusables_format.ts). It runs on the first name
 * checked, so it is one loop over two short strings; the prototypes' text is used as it is.
 */
export function decodeTable(sources: string, lengths: string, prototypes: string): ConfusableTable {
  if (sources.length !== lengths.length) {
    throw new Error('confusables table: as many sources as prototype lengths expected');
  }
  const codePoints = new Uint32Array(sources.length);
  const starts = new Uint32Array(sources.length + 1);
  let codePoint = 0;
  let offset = 0;
  for (let i = 0; i < sources.length; i++) {
    codePoint += sources.charCodeAt(i) - SOURCE_OFFSET;
    codePoints[i] = codePoint;
    starts[i] = offset;
    offset += lengths.charCodeAt(i) - LENGTH_OFFSET;
  }
  starts[sources.length] = offset;
  if (offset !== prototypes.length) {
    throw new Error('confusables table: the prototype lengths do not add up to their text');
  }
  return { sources: codePoints, starts, text: prototypes };
}

let table: ConfusableTable | undefined;

/** The table, decoded on first use (about a millisecond: `pnpm bench unicode-safety`). */
export function confusableTable(): ConfusableTable {
  table ??= decodeTable(SOURCES, LENGTHS, PROTOTYPES);
  return table;
}

/** The prototype of one code point, or undefined when it is its own prototype. */
export function prototypeOf(codePoint: number, from = confusableTable()): string | undefined {
  const { sources, starts, text } = from;
  let low = 0;
  let high = sources.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const source = sources[middle]!;
    if (source < codePoint) low = middle + 1;
    else if (source > codePoint) high = middle - 1;
    else return text.slice(starts[middle]!, starts[middle + 1]!);
  }
  return undefined;
}

/**
 * UTS #39 skeleton(X): X in NFD, each code point replaced by its prototype, NFD again.
 * Never throws: a lone surrogate is not in the table and stays as it is.
 */
export function skeleton(text: string, from = confusableTable()): string {
  let out = '';
  for (const char of text.normalize('NFD')) {
    out += prototypeOf(char.codePointAt(0)!, from) ?? char;
  }
  return out.normalize('NFD');
}
