/**
 * Reads confusables.txt and writes the compact table src/confusables_table.ts holds.
 *
 * The table is three strings, each a run of UTF-16 code units, so decoding them at start-up is
 * two short loops (src/skeleton.ts) and the JavaScript parser does the rest:
 * - SOURCES: the code points that have a prototype, ascending; unit i is the distance from
 *   source i-1 (from 0 for the first) plus 0x20, so most are one printable ASCII character;
 * - LENGTHS: unit i is the length of prototype i in UTF-16 units plus 0x30 (`1` for one unit);
 * - PROTOTYPES: the prototypes' text, one after the other.
 * In the generated file every character outside printable ASCII is written as a \uXXXX escape:
 * prototypes hold combining marks, bidi-sensitive letters and even a TAB, which do not belong
 * raw in source code.
 */

import { LENGTH_OFFSET, SOURCE_OFFSET } from '../src/table_encoding.ts';

export interface ConfusablesData {
  readonly version: string;
  readonly date: string;
  /** [source code point, prototype code points], sorted by source. */
  readonly entries: readonly (readonly [number, readonly number[]])[];
}

const DATA_LINE = /^([0-9A-F]{4,6}) ;\t([0-9A-F]{4,6}(?: [0-9A-F]{4,6})*) ;\t(\w+)\t#/;

/** The mappings of confusables.txt, with its version and date; throws on a malformed line. */
export function parseConfusables(text: string): ConfusablesData {
  const version = /^# Version: (\S+)$/m.exec(text)?.[1];
  const date = /^# Date: (.+)$/m.exec(text)?.[1];
  if (version === undefined || date === undefined) throw new Error('no "# Version:" or "# Date:"');
  const entries: [number, number[]][] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = DATA_LINE.exec(line);
    if (match === null) throw new Error(`line ${index + 1} is not a mapping: ${line.slice(0, 60)}`);
    const source = Number.parseInt(match[1]!, 16);
    const prototype = match[2]!.split(' ').map((hex) => Number.parseInt(hex, 16));
    entries.push([source, prototype]);
  });
  entries.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]![0] === entries[i - 1]![0]) {
      throw new Error(`U+${entries[i]![0].toString(16).toUpperCase()} is mapped twice`);
    }
  }
  return { version, date, entries };
}

/**
 * The mappings with every prototype taken to its fixed point, so that skeleton(skeleton(x)) is
 * skeleton(x). In the published data a few prototypes are not final: U+01C4 Ǆ maps to D, Ž;
 * Ž in NFD is Z and a caron, and the caron itself maps to a breve. UTS #39 maps each code point
 * once, so its skeleton of Ǆ keeps the caron and differs from its skeleton of "DŽ" typed as two
 * letters. Closing the table makes both "DZ̆". Returns the closed entries and how many changed.
 */
export function closeMappings(entries: ConfusablesData['entries']): {
  entries: [number, number[]][];
  changed: number;
} {
  const byCodePoint = new Map(entries.map(([source, prototype]) => [source, prototype]));
  const nfd = (codePoints: readonly number[]): number[] =>
    [...String.fromCodePoint(...codePoints).normalize('NFD')].map((char) => char.codePointAt(0)!);
  const mapEach = (codePoints: readonly number[]): number[] =>
    codePoints.flatMap((codePoint) => byCodePoint.get(codePoint) ?? [codePoint]);
  let changed = 0;
  const closed = entries.map(([source, prototype]): [number, number[]] => {
    const published = nfd(prototype);
    let current = published;
    for (let round = 0; ; round++) {
      const next = nfd(mapEach(current));
      if (next.join() === current.join()) break;
      if (round === 10) throw new Error(`U+${source.toString(16)}: prototype does not settle`);
      current = next;
    }
    if (current.join() !== published.join()) changed++;
    return [source, current];
  });
  return { entries: closed, changed };
}

/** Distances and lengths (offsets added) must be below the surrogates, in one UTF-16 unit. */
const UNIT_LIMIT = 0xd800;

/** The three strings of the compact table (see the top of this file). */
export function encodeTable(entries: readonly (readonly [number, readonly number[]])[]): {
  sources: string;
  lengths: string;
  prototypes: string;
} {
  let previous = 0;
  const sources: number[] = [];
  const lengths: number[] = [];
  const prototypes: string[] = [];
  for (const [source, prototype] of entries) {
    const text = String.fromCodePoint(...prototype);
    sources.push(unit(source - previous + SOURCE_OFFSET, source));
    lengths.push(unit(text.length + LENGTH_OFFSET, source));
    prototypes.push(text);
    previous = source;
  }
  return {
    sources: String.fromCharCode(...sources),
    lengths: String.fromCharCode(...lengths),
    prototypes: prototypes.join(''),
  };
}

function unit(value: number, source: number): number {
  if (value <= 0 || value >= UNIT_LIMIT) {
    throw new Error(`U+${source.toString(16)}: ${value} does not fit the table's encoding`);
  }
  return value;
}

/** The TypeScript module src/confusables_table.ts. */
export function renderTable(data: ConfusablesData, sha256: string): string {
  const closed = closeMappings(data.entries);
  const { sources, lengths, prototypes } = encodeTable(closed.entries);
  return `// Generated by scripts/generate-confusables.ts from Unicode's confusables.txt: do not edit.
// Data © Unicode, Inc., under the Unicode License v3 (https://www.unicode.org/license.txt).
// The encoding is described in scripts/confusables_format.ts. Prototypes are in NFD and taken
// to their fixed point (${closed.changed} of them changed by that: see closeMappings there).

/** The version of UTS #39's confusables.txt this table was made from. */
export const CONFUSABLES_VERSION = '${data.version}';
/** The date in that file's header. */
export const CONFUSABLES_DATE = '${data.date}';
/** The SHA-256 of that file, to check it against the one Unicode publishes. */
export const CONFUSABLES_SHA256 =
  '${sha256}';
/** How many code points have a prototype. */
export const CONFUSABLES_COUNT = ${data.entries.length};

export const SOURCES = ${literal(sources)};

export const LENGTHS = ${literal(lengths)};

export const PROTOTYPES = ${literal(prototypes)};
`;
}

/**
 * A string as source code: printable ASCII as it is (quotes and backslashes aside), anything else
 * as a \uXXXX escape, cut into short literals joined, so the file stays readable and diffable
 * and never splits an escape.
 */
export function literal(text: string, width = 90): string {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i]!;
    // `'` and `\` are escaped like the rest, so the formatter has no quote style to change.
    const printable = code >= 0x20 && code < 0x7f && char !== "'" && char !== '\\';
    const written = printable ? char : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (line.length + written.length > width) {
      lines.push(line);
      line = '';
    }
    line += written;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return `[\n${lines.map((part) => `  '${part}',`).join('\n')}\n].join('')`;
}
