// Just enough Markdown for the docs checks: which lines are inside fenced code blocks, the
// blocks themselves, headings and their anchors. Lines are numbered from 1, as editors do.

export interface FencedBlock {
  /** The info string's first word: `ts`, `sh`, `console`... ('' when there is none). */
  lang: string;
  /** Line of the opening fence. */
  line: number;
  /** The lines between the fences. */
  body: string[];
}

export interface Line {
  number: number;
  text: string;
  /** Where the line stands: outside code, a fence, or inside a fenced block. */
  role: 'prose' | 'open' | 'body' | 'close';
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export function scanLines(text: string): Line[] {
  let open: string | undefined;
  return text.split('\n').map((raw, index): Line => {
    const line = { number: index + 1, text: raw };
    const fence = raw.match(FENCE);
    if (open === undefined) {
      if (!fence) return { ...line, role: 'prose' };
      open = fence[1];
      return { ...line, role: 'open' };
    }
    if (fence && isCloser(fence, open)) {
      open = undefined;
      return { ...line, role: 'close' };
    }
    return { ...line, role: 'body' };
  });
}

// A closing fence uses the same character, at least as many of them, and no info string.
function isCloser(fence: RegExpMatchArray, open: string): boolean {
  const [, marks = '', rest = ''] = fence;
  return marks[0] === open[0] && marks.length >= open.length && rest.trim() === '';
}

export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let current: FencedBlock | undefined;
  for (const line of scanLines(text)) {
    if (line.role === 'open') {
      const info = line.text.match(FENCE)?.[2] ?? '';
      current = { lang: info.trim().split(/\s+/)[0] ?? '', line: line.number, body: [] };
      blocks.push(current);
    } else if (line.role === 'body') {
      current?.body.push(line.text);
    }
  }
  return blocks;
}

/** A fence long enough that no run of backticks inside the content can close it. */
export function fenceFor(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

export interface Heading {
  line: number;
  text: string;
  anchor: string;
}

/** ATX headings outside code, with the anchors GitHub gives them (duplicates get -1, -2...). */
export function headings(text: string): Heading[] {
  const seen = new Map<string, number>();
  const found: Heading[] = [];
  for (const line of scanLines(text)) {
    const match = line.role === 'prose' && line.text.match(/^ {0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/);
    if (!match) continue;
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.push({
      line: line.number,
      text: match[1] ?? '',
      anchor: count ? `${base}-${count}` : base,
    });
  }
  return found;
}

/** GitHub's heading anchor: lower case, markup and punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}
