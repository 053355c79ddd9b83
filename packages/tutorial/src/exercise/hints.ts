import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Step, stepLabel } from '../steps/step.ts';
import type { Tutorial } from '../tutorial.ts';
import { typed } from '../typed.ts';
import { markHintsSeen, readProgress } from './progress.ts';

// Graded hints for writing a step yourself, kept with the step in `hints.md`. Each `## title`
// line starts a hint, whose text runs to the next one; each says a little more than the one
// before, and the last stops short of the answer, which is the step's diff. What comes before
// the first hint is for authors and is never shown.

export const HINTS_FILE = 'hints.md';
/** A step needs at least this many hints: one hint is an answer, not a gradient. */
export const MIN_HINTS = 2;

export interface Hint {
  title: string;
  body: string;
}

export function readHints(step: Pick<Step, 'dir'>): Hint[] {
  const file = join(step.dir, HINTS_FILE);
  if (!existsSync(file)) return [];
  const hints: Hint[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const heading = /^## (.*)$/.exec(line);
    if (heading) hints.push({ title: heading[1]!.trim(), body: '' });
    else if (hints.length > 0) hints.at(-1)!.body += `${line}\n`;
  }
  return hints.map((hint) => ({ title: hint.title, body: hint.body.trim() }));
}

/** What keeps a step's hints from being usable; empty when they are. */
export function hintProblems(step: Step): string[] {
  const where = `steps/${step.id}/${HINTS_FILE}`;
  if (!existsSync(join(step.dir, HINTS_FILE))) {
    return [`steps/${step.id} has no hints for its exercise: ${where} is missing`];
  }
  const hints = readHints(step);
  const problems: string[] = [];
  if (hints.length < MIN_HINTS) {
    problems.push(`${where} has ${hints.length} hints (## lines); an exercise needs ${MIN_HINTS}`);
  }
  for (const [index, hint] of hints.entries()) {
    if (!hint.title || !hint.body) {
      problems.push(`${where}: hint ${index + 1} needs a title on its ## line and text below it`);
    }
  }
  return problems;
}

/** `tutorial hint`: the next hint the learner has not seen for the step, or all of them again. */
export function showNextHint(tutorial: Tutorial, step: Step, log: (text: string) => void): void {
  const hints = readHints(step);
  const label = stepLabel(step);
  const answer = `The whole answer is the reference's diff: ${typed(`tutorial diff ${label}`)}`;
  const seen = readProgress(tutorial.progressFile).hints[step.id] ?? 0;
  const heading = `Step ${label} · ${step.title}`;
  if (hints.length === 0) {
    log(`${heading} has no hints. ${answer}`);
    return;
  }
  if (seen >= hints.length) {
    const all = hints.map((hint, i) => `${i + 1}. ${hint.title}\n\n${indent(hint.body)}`);
    log([`${heading}: you have seen all ${hints.length} hints.`, ...all, answer].join('\n\n'));
    return;
  }
  const hint = hints[seen]!;
  markHintsSeen(tutorial.progressFile, step.id, seen + 1);
  const left = hints.length - seen - 1;
  const next =
    left === 0
      ? `That was the last hint. ${answer}`
      : `${left} more: ${typed(`tutorial hint ${label}`)} again. ${answer}`;
  log(`${heading} · hint ${seen + 1} of ${hints.length}: ${hint.title}\n\n${hint.body}\n\n${next}`);
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '   ');
}
