import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// The learner's progress: which steps their own workspace passed, and when. A local file
// (.tutorial-progress.json, git-ignored): it describes this machine's .learner/, nothing else.

export interface Progress {
  /** Step id → ISO date of the last successful verify. */
  verified: Record<string, string>;
}

export function readProgress(file: string): Progress {
  if (!existsSync(file)) return { verified: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Progress>;
  return { verified: parsed.verified ?? {} };
}

export function markVerified(file: string, stepId: string, when: Date = new Date()): void {
  const progress = readProgress(file);
  progress.verified[stepId] = when.toISOString();
  writeProgress(file, progress);
}

export function forgetStep(file: string, stepId: string): void {
  const progress = readProgress(file);
  if (!(stepId in progress.verified)) return;
  delete progress.verified[stepId];
  writeProgress(file, progress);
}

function writeProgress(file: string, progress: Progress): void {
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}
