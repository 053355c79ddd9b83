import type { SessionEntry } from './plan.ts';
import { Command, FAILURE_REPORT, lastLines } from './processes.ts';
import type { Sandbox } from './sandbox.ts';

// A chapter's REPL session, typed into the REPL the chapter opens, as a reader types it: one
// input at a time, each once the prompt is back and the output has settled (what an input sets
// off, a crash report say, prints a moment after its value). What the REPL prints for each
// input must be what the chapter shows under it, character for character.

export interface SessionOutcome {
  /** Empty when every input printed what the chapter shows and the REPL then left cleanly. */
  problems: string[];
}

const PROMPT = '> ';
const CONTINUATION = '... ';
/** What a REPL shows on the lines an input continues on: `... ` up to Node 22, `| ` since 24. */
const CONTINUATIONS = /^(\.\.\. |\| )+/;
/** Time an input may take; a chat server's stop, the slowest, takes well under a second. */
const INPUT_TIMEOUT_MS = 60_000;
/** Quiet after the prompt before the next input: output an input set off arrives by then. */
const SETTLE_MS = 250;

export async function typeSession(
  sandbox: Sandbox,
  command: string,
  doc: string,
  entries: readonly SessionEntry[],
): Promise<SessionOutcome> {
  const repl = new Command(sandbox, command, {}, true);
  const problems: string[] = [];
  // The first prompt ends the output (the package manager's own `> ...` lines come before).
  const started = await repl.waitFor((output) => /(^|\n)> $/.test(output), {
    quietMs: 500,
    timeoutMs: 120_000,
  });
  if (!started) {
    repl.kill();
    return { problems: [`the REPL did not start:\n${indent(lastLines(repl.output, 20))}`] };
  }
  for (const entry of entries) {
    const from = repl.output.length;
    repl.write(`${entry.input}\n`);
    const back = await repl.waitFor(promptIsBack, {
      from,
      quietMs: SETTLE_MS,
      timeoutMs: INPUT_TIMEOUT_MS,
    });
    const printed = printedFor(repl.output.slice(from));
    if (!back) {
      problems.push(
        `${doc}:${entry.line}: no prompt came back after this input:\n${indent(shownInput(entry))}\n` +
          `  it printed:\n${indent(printed.join('\n'))}`,
      );
      break;
    }
    if (!sameLines(printed, entry.output)) problems.push(mismatch(doc, entry, printed));
  }
  const from = repl.output.length;
  repl.write('.exit\n');
  const timer = setTimeout(repl.kill, 15_000);
  const ended = await repl.ended;
  clearTimeout(timer);
  const after = repl.output.slice(from);
  if (ended.code !== 0 || FAILURE_REPORT.test(after)) {
    problems.push(
      `.exit did not leave the REPL cleanly (${ended.signal ?? `exit status ${ended.code}`}):\n${indent(lastLines(after, 10))}`,
    );
  }
  return { problems };
}

/** The REPL shows its prompt at the start of a line once it is ready for the next input. */
function promptIsBack(output: string): boolean {
  return /(^|\n)(\.\.\. |\| )*> /.test(output);
}

/**
 * The lines an input printed, as a transcript shows them: without the prompts. A non-terminal
 * REPL echoes nothing, shows a continuation prompt for each line an input continues on, and
 * `> ` when done;
 * output an input set off may come after that prompt, and belongs to the input all the same.
 */
function printedFor(text: string): string[] {
  const lines = text.split('\n').map((line) => stripPrompts(line).trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

function stripPrompts(line: string): string {
  const rest = line.replace(CONTINUATIONS, '');
  return rest.startsWith(PROMPT) ? rest.slice(PROMPT.length) : rest;
}

function sameLines(actual: readonly string[], shown: readonly string[]): boolean {
  const expected = [...shown];
  while (expected.length > 0 && expected.at(-1)?.trim() === '') expected.pop();
  return (
    actual.length === expected.length && actual.every((line, i) => line === expected[i]?.trimEnd())
  );
}

function mismatch(doc: string, entry: SessionEntry, printed: readonly string[]): string {
  return [
    `${doc}:${entry.line}: typed into the REPL, this input printed something else than the chapter shows:`,
    indent(shownInput(entry)),
    '  the chapter shows:',
    indent(entry.output.join('\n') || '(nothing)'),
    '  the REPL printed:',
    indent(printed.join('\n') || '(nothing)'),
  ].join('\n');
}

function shownInput(entry: SessionEntry): string {
  return entry.input
    .split('\n')
    .map((line, i) => (i === 0 ? PROMPT : CONTINUATION) + line)
    .join('\n');
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
