import { relative } from 'node:path';
import { lineMatches, outputLines } from './match.ts';

/** One input of a replayed script and what the REPL printed for it. */
export interface ScriptEntry {
  /** 1-based line of the input in the script. */
  line: number;
  /** The input as written in the script. */
  input: string;
  /** Everything printed while it ran: its value, console output, uncaught errors. */
  output: string;
  /** The `// =>` annotation, when the input has one. */
  expected?: string;
  /** True when the output matches the annotation, or there is none. */
  ok: boolean;
}

export interface ScriptResult {
  /** Absolute path of the script. */
  file: string;
  entries: ScriptEntry[];
  ok: boolean;
  /** The session as the REPL shows it: `> input` (`... ` on continued lines), then its output. */
  transcript: string;
  /** Readable text for every mismatch and for a script that could not finish; empty when ok. */
  failures: string;
}

export const PROMPT = '> ';
const CONTINUATION = '... ';

export function transcriptOf(entries: readonly ScriptEntry[]): string {
  const lines: string[] = [];
  for (const entry of entries) {
    entry.input.split('\n').forEach((line, i) => {
      lines.push((i === 0 ? PROMPT : CONTINUATION) + line);
    });
    lines.push(...outputLines(entry.output));
  }
  return lines.join('\n');
}

/** `path/to/script.repl.ts:12`, relative to the working directory when the script is inside it. */
export function location(file: string, line: number): string {
  const shown = relative(process.cwd(), file);
  return `${shown.startsWith('..') ? file : shown}:${line}`;
}

export function mismatchText(file: string, entry: ScriptEntry): string {
  const expected = outputLines(entry.expected ?? '');
  const actual = outputLines(entry.output);
  return [
    `${location(file, entry.line)}: the output differs from the annotation`,
    indentBlock('input:', transcriptOf([{ ...entry, output: '' }]).split('\n')),
    indentBlock('expected:', expected),
    indentBlock('actual:', actual),
    indentBlock('diff (- expected, + actual):', lineDiff(expected, actual)),
  ].join('\n');
}

function indentBlock(title: string, lines: readonly string[]): string {
  const body = lines.length === 0 ? ['(nothing printed)'] : lines;
  return [`  ${title}`, ...body.map((line) => `    ${line}`)].join('\n');
}

// A longest-common-subsequence line diff, where lines that match (placeholders included) count
// as equal, so the diff points at the lines that really differ.
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const common = commonLengths(expected, actual);
  const diff: string[] = [];
  let e = 0;
  let a = 0;
  while (e < expected.length || a < actual.length) {
    if (e < expected.length && a < actual.length && lineMatches(expected[e]!, actual[a]!)) {
      diff.push(`  ${actual[a]}`);
      e++;
      a++;
    } else if (e < expected.length && (a === actual.length || keepsMore(common, e, a))) {
      diff.push(`- ${expected[e++]}`);
    } else {
      diff.push(`+ ${actual[a++]}`);
    }
  }
  return diff;
}

function commonLengths(expected: readonly string[], actual: readonly string[]): number[][] {
  const table = Array.from({ length: expected.length + 1 }, () =>
    new Array<number>(actual.length + 1).fill(0),
  );
  for (let e = expected.length - 1; e >= 0; e--) {
    for (let a = actual.length - 1; a >= 0; a--) {
      table[e]![a] = lineMatches(expected[e]!, actual[a]!)
        ? at(table, e + 1, a + 1) + 1
        : Math.max(at(table, e + 1, a), at(table, e, a + 1));
    }
  }
  return table;
}

// Dropping the expected line keeps at least as much in common as dropping the actual one.
function keepsMore(common: number[][], e: number, a: number): boolean {
  return at(common, e + 1, a) >= at(common, e, a + 1);
}

function at(table: number[][], row: number, column: number): number {
  return table[row]?.[column] ?? 0;
}
