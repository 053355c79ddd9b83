import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// The learner's progress: which steps their own workspace passed, and when, and how many of
// each step's hints they have seen. A local file (.tutorial-progress.json, git-ignored): it
// describes this machine's .learner/, nothing else.

export interface Progress {
  /** Step id → ISO date of the last successful verify. */
  verified: Record<string, string>;
  /** Step id → how many of its hints were shown. */
  hints: Record<string, number>;
}

export function readProgress(file: string): Progress {
  if (!existsSync(file)) return { verified: {}, hints: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Progress>;
  return { verified: parsed.verified ?? {}, hints: parsed.hints ?? {} };
}

export function markHintsSeen(file: string, stepId: string, count: number): void {
  const progress = readProgress(file);
  progress.hints[stepId] = count;
  writeProgress(file, progress);
}

export function markVerified(file: string, stepId: string, when: Date = new Date()): void {
  const progress = readProgress(file);
  progress.verified[stepId] = when.toISOString();
  writeProgress(file, progress);
}

/** A step begun again: not verified, and its hints unseen. */
export function forgetStep(file: string, stepId: string): void {
  const progress = readProgress(file);
  if (!(stepId in progress.verified) && !(stepId in progress.hints)) return;
  delete progress.verified[stepId];
  delete progress.hints[stepId];
  writeProgress(file, progress);
}

function writeProgress(file: string, progress: Progress): void {
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}
