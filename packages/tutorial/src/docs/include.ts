import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

// A listing in a chapter: a whole file, or one `// #region name` of it. The region markers
// themselves never show: they are bookkeeping for authors, not code for readers.

const REGION_START = /^\s*\/\/\s*#region\s+(\S+)/;
const REGION_END = /^\s*\/\/\s*#endregion\b\s*(\S*)/;

export class ListingError extends Error {}

export interface Listing {
  lang: string;
  code: string;
}

/** `spec` is `path` or `path#region`, the path relative to the repository root. */
export function readListing(root: string, spec: string): Listing {
  const [path = '', region] = spec.split('#');
  const file = join(root, path);
  if (!path || !existsSync(file))
    throw new ListingError(`${path || '(no file named)'} does not exist`);
  const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const picked = region === undefined ? lines : regionLines(lines, region, path);
  const code = dedent(picked.filter((l) => !REGION_START.test(l) && !REGION_END.test(l)));
  return { lang: languageOf(path), code };
}

function regionLines(lines: string[], name: string, path: string): string[] {
  const start = lines.findIndex((l) => l.match(REGION_START)?.[1] === name);
  if (start === -1) {
    const names = lines.flatMap((l) => l.match(REGION_START)?.[1] ?? []);
    const known = names.length ? `its regions: ${names.join(', ')}` : 'it has no regions';
    throw new ListingError(`${path} has no region "${name}" (${known})`);
  }
  const end = lines.findIndex((l, i) => i > start && l.match(REGION_END)?.[1] === name);
  if (end === -1)
    throw new ListingError(`${path}: region "${name}" has no "// #endregion ${name}"`);
  return lines.slice(start + 1, end);
}

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length);
  const common = Math.min(...indents, Number.POSITIVE_INFINITY);
  const cut = Number.isFinite(common) ? common : 0;
  return lines
    .map((l) => l.slice(cut))
    .join('\n')
    .replace(/^\n+|\s+$/g, '');
}

const LANGUAGES: Record<string, string> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.json': 'json',
  '.md': 'md',
  '.sh': 'sh',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

function languageOf(path: string): string {
  return LANGUAGES[extname(path)] ?? 'text';
}
