// Whether what the REPL printed is what an annotation promises. Pids and references differ from
// run to run and stack traces from machine to machine, so an annotation may leave them open:
//   #PID<...>        any pid, e.g. #PID<0.12.0>
//   #Reference<...>  any reference
//   ...              any text within a line; alone on a line, any number of lines (none too)

type LinePattern = { kind: 'anyLines' } | { kind: 'line'; pattern: RegExp };

const PLACEHOLDER = /#PID<\.\.\.>|#Reference<\.\.\.>|\.\.\./g;

export function outputLines(output: string): string[] {
  const lines = output.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

export function matchesOutput(expected: readonly string[], actual: readonly string[]): boolean {
  const patterns = expected.map(toPattern);
  while (patterns.length > 0 && isBlank(patterns.at(-1)!)) patterns.pop();
  return matchFrom(patterns, 0, actual, 0, new Map());
}

/** Whether one expected line matches one actual line (`...` alone matches any line). */
export function lineMatches(expected: string, actual: string): boolean {
  const pattern = toPattern(expected);
  return pattern.kind === 'anyLines' || pattern.pattern.test(actual);
}

function toPattern(line: string): LinePattern {
  const trimmed = line.trimEnd();
  if (trimmed.trim() === '...') return { kind: 'anyLines' };
  const parts = trimmed.split(PLACEHOLDER).map(escapeRegExp);
  const holes = trimmed.match(PLACEHOLDER) ?? [];
  const body = parts
    .map((part, i) => part + (i < holes.length ? holeRegExp(holes[i]!) : ''))
    .join('');
  return { kind: 'line', pattern: new RegExp(`^${body}$`) };
}

function holeRegExp(placeholder: string): string {
  if (placeholder === '#PID<...>') return '#PID<[^>]*>';
  if (placeholder === '#Reference<...>') return '#Reference<[^>]*>';
  return '.*?';
}

function isBlank(pattern: LinePattern): boolean {
  return pattern.kind === 'line' && pattern.pattern.source === '^$';
}

// Plain backtracking over lines, memoised: annotations are a handful of lines long.
function matchFrom(
  patterns: readonly LinePattern[],
  p: number,
  actual: readonly string[],
  a: number,
  seen: Map<string, boolean>,
): boolean {
  const key = `${p}:${a}`;
  const known = seen.get(key);
  if (known !== undefined) return known;
  let result: boolean;
  const pattern = patterns[p];
  if (pattern === undefined) result = a === actual.length;
  else if (pattern.kind === 'anyLines') {
    result =
      matchFrom(patterns, p + 1, actual, a, seen) ||
      (a < actual.length && matchFrom(patterns, p, actual, a + 1, seen));
  } else {
    result =
      a < actual.length &&
      pattern.pattern.test(actual[a]!) &&
      matchFrom(patterns, p + 1, actual, a + 1, seen);
  }
  seen.set(key, result);
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
