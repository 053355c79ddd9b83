import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { headings, scanLines } from './markdown.ts';

// Relative links in a document must lead somewhere: the file must exist and, for a Markdown
// target, the #anchor must be one of its headings (or an explicit id="..." in its HTML).
// Links with a scheme (https:, mailto:) are left to the reader's browser.

const INLINE_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g;
const REFERENCE_DEF = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/;

export function checkLinks(root: string, docFile: string, text: string): string[] {
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(text)) {
    const problem = brokenBecause(root, docFile, text, target);
    if (problem) problems.push(`${docFile}:${line}: broken link ${target}: ${problem}`);
  }
  return problems;
}

function relativeLinks(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const line of scanLines(text)) {
    if (line.role !== 'prose') continue;
    const prose = line.text.replace(/`+[^`]*`+/g, '');
    const targets = [...prose.matchAll(INLINE_LINK)].map((m) => m[1] ?? '');
    const definition = prose.match(REFERENCE_DEF)?.[1];
    if (definition) targets.push(definition);
    for (const target of targets) {
      if (!/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target)) links.push({ line: line.number, target });
    }
  }
  return links;
}

// `text` is the document itself, as checked: a link to one of its own headings is judged by it.
function brokenBecause(
  root: string,
  docFile: string,
  text: string,
  target: string,
): string | undefined {
  const [rawPath = '', anchor] = target.split('#');
  const path = decodeURIComponent(rawPath);
  const file = path ? join(root, dirname(docFile), path) : join(root, docFile);
  if (path && !existsSync(file)) return `${relative(root, file)} does not exist`;
  if (!anchor || !file.endsWith('.md') || (path && statSync(file).isDirectory())) return undefined;
  const anchors = anchorsOf(path ? readFileSync(file, 'utf8') : text);
  return anchors.has(decodeURIComponent(anchor))
    ? undefined
    : `${relative(root, file)} has no heading with the anchor #${anchor}`;
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set(headings(text).map((h) => h.anchor));
  for (const match of text.matchAll(/\b(?:id|name)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}
