import { fencedBlocks, scanLines } from './markdown.ts';

// The commands a document tells its reader to type: each command of an sh/bash/shell/zsh block,
// each `$ ` line of a console block (with the lines it prints, up to the next `$ `), and each
// inline code span in the prose that starts with `npm `, `npx ` or `pnpm ` (the README's table).
// The docs check reads them to see that they exist; the newcomer check runs them.

export interface DocCommand {
  /** Line of the command in the document. */
  line: number;
  /** The command as written, comments and the `$ ` prompt left out. */
  command: string;
  /** Its words, quotes removed and leading `NAME=value` assignments left out. */
  argv: string[];
  /**
   * Where the document shows it: a shell block, a console block, a table of commands (inline
   * code in a table row), or inline code in running prose.
   */
  where: 'block' | 'console' | 'table' | 'inline';
  /** Line of the block's opening fence (the command's own line, inline). */
  blockLine: number;
  /** In a console block, what the document shows it printing. */
  output?: string[];
}

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

export function docCommands(text: string): DocCommand[] {
  const found: DocCommand[] = [];
  for (const block of fencedBlocks(text)) {
    if (!SHELL_LANGS.has(block.lang)) continue;
    const console = block.lang === 'console';
    let pending = '';
    let last: DocCommand | undefined;
    block.body.forEach((raw, index) => {
      const line = block.line + 1 + index;
      if (console && !pending && !/^\s*\$ /.test(raw)) {
        last?.output?.push(raw);
        return;
      }
      let text = (console ? raw.replace(/^\s*\$ /, '') : raw).replace(/(^|\s)#.*$/, '');
      if (text.trimEnd().endsWith('\\')) {
        pending += `${text.trimEnd().slice(0, -1)} `;
        return;
      }
      text = (pending + text).trim();
      pending = '';
      for (const command of text.split(/&&|\|\||;|\|/)) {
        if (!command.trim()) continue;
        last = {
          line,
          command: command.trim(),
          argv: words(command),
          where: console ? 'console' : 'block',
          blockLine: block.line,
          ...(console ? { output: [] } : {}),
        };
        found.push(last);
      }
    });
  }
  for (const line of scanLines(text)) {
    if (line.role !== 'prose') continue;
    for (const match of line.text.matchAll(/`((?:np[mx]|pnpm) [^`]+)`/g)) {
      const command = match[1]!.trim();
      found.push({
        line: line.number,
        command,
        argv: words(command),
        where: /^\s*\|/.test(line.text) ? 'table' : 'inline',
        blockLine: line.number,
      });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

function words(command: string): string[] {
  const tokens = command.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const unquoted = tokens.map((t) => t.replace(/^(["'])(.*)\1$/, '$2'));
  while (unquoted[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(unquoted[0])) unquoted.shift();
  return unquoted;
}

/** The arguments pnpm gets, for `npx pnpm ...` (and a bare `pnpm ...`); undefined otherwise. */
export function pnpmArgs(argv: readonly string[]): string[] | undefined {
  if (argv[0] === 'pnpm') return argv.slice(1);
  if (argv[0] === 'npx' && argv[1] === 'pnpm') return argv.slice(2);
  return undefined;
}

/** `<step>`, `NN`, `...`: an argument the reader fills in. */
export function isPlaceholder(arg: string): boolean {
  return /[<>[\]]|^N+$|^\.\.\.$/.test(arg);
}
