import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fencedBlocks } from '../docs/markdown.ts';
import { findMarkers } from '../docs/markers.ts';
import { sessionStarts } from '../docs/sessions.ts';
import { type DocCommand, docCommands, isPlaceholder, pnpmArgs } from '../docs/shell.ts';
import type { Step } from '../steps/step.ts';

// What a newcomer does with the docs, read in order: the README, docs/README.md, then each
// chapter. Every command they are told to type (in a shell or console block, or in a table of
// commands) becomes one action, with what the docs say it prints
// when they say it: the text block right after a command's block, the session a REPL command
// opens, the lines a console block shows. How each action is run is run.ts's business; this
// file only reads the docs, so what it finds can be tested without running anything.

export interface Where {
  doc: string;
  line: number;
}

/** Lines the document shows, and the line of the first. */
export interface Shown {
  line: number;
  lines: string[];
}

/** One input of a session as the chapter shows it, and what it shows it printing. */
export interface SessionEntry {
  /** Line of the input's `> ` in the document. */
  line: number;
  input: string;
  output: string[];
}

export type Action =
  /** Runs to its end; exit status 0, and the shown output if there is one. */
  | {
      kind: 'run';
      at: Where;
      command: string;
      args: string[];
      shown?: Shown;
      dry?: string;
      /** The command run in its place, when its short form is another command. */
      instead?: string;
    }
  /** A chat server: started, compared, talked to by the clients that follow, then Ctrl-C. */
  | { kind: 'server'; at: Where; command: string; shown?: Shown; clients: Client[] }
  /** `npx pnpm repl NN`, with the session typed into it when the document shows one. */
  | {
      kind: 'repl';
      at: Where;
      command: string;
      session?: { line: number; entries: SessionEntry[] };
    }
  /** A command that runs until Ctrl-C (`verify --watch`): started, seen ready, interrupted. */
  | { kind: 'watch'; at: Where; command: string }
  /** What cannot be run as written: an argument to fill in. */
  | { kind: 'skip'; at: Where; command: string; why: string };

/** `nc HOST PORT` in a console block: a person connecting to the server started above. */
export interface Client {
  at: Where;
  command: string;
  port: number;
  /** What the console block shows, typed lines and server lines mixed. */
  shown: Shown;
}

/** The documents a newcomer reads, in order: the README, the docs' README, the chapters. */
export function newcomerDocs(root: string, steps: readonly Step[]): string[] {
  return ['README.md', 'docs/README.md', ...steps.map((s) => s.chapter)].filter((doc) =>
    existsSync(join(root, doc)),
  );
}

export function planDoc(doc: string, text: string, steps: readonly Step[]): Action[] {
  const sessions = new Map(sessionStarts(doc, text, steps).starts.map((s) => [s.replLine, s]));
  const shownAfter = textBlocksAfterShellBlocks(text);
  const actions: Action[] = [];
  // Inline code in running prose names a command (usually one shown in a block nearby); the
  // reader is asked to type the commands of blocks and of tables of commands.
  for (const command of docCommands(text).filter((c) => c.where !== 'inline')) {
    const at = { doc, line: command.line };
    const previous = actions.at(-1);
    if (isClient(command)) {
      if (previous?.kind === 'server' && command.output) {
        previous.clients.push({
          at,
          command: command.command,
          port: Number(command.argv[2]),
          shown: { line: command.line + 1, lines: command.output },
        });
      } else {
        actions.push({ kind: 'skip', at, command: command.command, why: 'no server is running' });
      }
      continue;
    }
    actions.push(actionFor(command, at, shownOf(command, shownAfter), sessions, text));
  }
  return actions;
}

function actionFor(
  command: DocCommand,
  at: Where,
  shown: Shown | undefined,
  sessions: Map<number, { transcriptLine: number }>,
  text: string,
): Action {
  const { argv } = command;
  const pnpm = pnpmArgs(argv);
  const base = { at, command: command.command };
  const placeholder = argv.slice(1).find(isPlaceholder);
  if (placeholder)
    return { ...base, kind: 'skip', why: `${placeholder} is for the reader to fill in` };
  if ((argv[0] === 'npm' && argv[1] === 'start') || pnpm?.[0] === 'start') {
    return { ...base, kind: 'server', clients: [], ...(shown ? { shown } : {}) };
  }
  if (pnpm?.[0] === 'repl') {
    const start = sessions.get(command.line);
    const session = start ? transcriptAt(text, start.transcriptLine) : undefined;
    return { ...base, kind: 'repl', ...(session ? { session } : {}) };
  }
  if (
    pnpm?.[0] === 'tutorial' &&
    pnpm[1] === 'verify' &&
    pnpm.some((a) => a === '--watch' || a === '-w')
  ) {
    return { ...base, kind: 'watch' };
  }
  const dry = dryForm(pnpm);
  return {
    ...base,
    kind: 'run',
    args: dry?.args ?? [],
    ...(dry ? { dry: dry.why } : {}),
    ...(dry?.instead ? { instead: dry.instead } : {}),
    ...(shown ? { shown } : {}),
  };
}

/**
 * Commands a newcomer would run as written but the check runs in a shorter form: a benchmark
 * takes minutes and its figures are noise on a shared machine; a question is answered.
 */
function dryForm(
  pnpm: string[] | undefined,
): { args: string[]; why: string; instead?: string } | undefined {
  if (pnpm?.[0] === 'bench:otp' || (pnpm?.[0] === 'bench' && pnpm[1] === 'otp')) {
    return { args: ['--quick'], why: 'the quick run (--quick): the full one takes minutes' };
  }
  if (pnpm?.[0] === 'bench:chat' || (pnpm?.[0] === 'bench' && pnpm[1] === 'chat')) {
    return { args: ['--help'], why: 'its --help: a run takes minutes' };
  }
  // Every step's tests, one after the other: minutes that repeat the Quick start's npm test,
  // which ran them all already (the command itself has its test in the tutorial's suite).
  if (pnpm?.[0] === 'tutorial' && pnpm[1] === 'list' && pnpm.includes('--test')) {
    return {
      args: [],
      instead: 'npx pnpm tutorial list',
      why: "tutorial list: npm test ran every step's tests already",
    };
  }
  if (pnpm?.[0] === 'tutorial' && pnpm[1] === 'reset' && !pnpm.includes('--yes')) {
    return { args: ['--yes'], why: 'the question answered yes (--yes)' };
  }
  return undefined;
}

function isClient(command: DocCommand): boolean {
  return (
    command.where === 'console' && command.argv[0] === 'nc' && /^\d+$/.test(command.argv[2] ?? '')
  );
}

function shownOf(command: DocCommand, shownAfter: Map<number, Shown>): Shown | undefined {
  if (command.where === 'console') {
    return command.output?.length ? { line: command.line + 1, lines: command.output } : undefined;
  }
  return command.where === 'block' ? shownAfter.get(command.line) : undefined;
}

/**
 * A `text` block right after a shell block (blank lines between at most) shows what the last
 * command of that block prints. Keyed by that command's line.
 */
function textBlocksAfterShellBlocks(text: string): Map<number, Shown> {
  const lines = text.split('\n');
  const blocks = fencedBlocks(text);
  const shown = new Map<number, Shown>();
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    if (!['sh', 'bash', 'shell', 'zsh'].includes(block.lang) || next?.lang !== 'text') return;
    const closeLine = block.line + block.body.length + 1;
    const between = lines.slice(closeLine, next.line - 1);
    if (between.some((l) => l.trim() !== '')) return;
    const lastCommandLine = block.line + lastNonBlank(block.body);
    shown.set(lastCommandLine, { line: next.line + 1, lines: next.body });
  });
  return shown;
}

function lastNonBlank(body: string[]): number {
  for (let i = body.length - 1; i >= 0; i--) {
    if (body[i]!.trim() !== '' && !body[i]!.trim().startsWith('#')) return i + 1;
  }
  return 0;
}

/** The session a transcript marker shows: its block's `> ` inputs and their output lines. */
function transcriptAt(text: string, markerLine: number) {
  const marker = findMarkers(text).markers.find((m) => m.line === markerLine);
  const block = fencedBlocks(text).find(
    (b) => marker && b.line > marker.line && b.line < marker.closeLine,
  );
  if (!block) return undefined;
  const entries: SessionEntry[] = [];
  block.body.forEach((line, i) => {
    const current = entries.at(-1);
    if (line.startsWith('> ')) {
      entries.push({ line: block.line + 1 + i, input: line.slice(2), output: [] });
    } else if (line.startsWith('... ') && current && current.output.length === 0) {
      current.input += `\n${line.slice(4)}`;
    } else current?.output.push(line);
  });
  return { line: block.line + 1, entries };
}

export function planFor(root: string, steps: readonly Step[]): Action[] {
  return newcomerDocs(root, steps).flatMap((doc) =>
    planDoc(doc, readFileSync(join(root, doc), 'utf8'), steps),
  );
}
