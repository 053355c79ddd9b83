import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** A two-step tutorial (a counter, then a counter that resets), with chapters and scripts. */
export const MINI = fileURLToPath(new URL('./fixtures/mini-tutorial/', import.meta.url));

/** The repository this package lives in. */
export const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

const scratchDirs: string[] = [];
afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An empty directory, removed after the test. */
export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otp-chat-test-'));
  scratchDirs.push(dir);
  return dir;
}

/**
 * Paths for a learner of the mini tutorial, in a fresh directory inside it: learner workspaces
 * must sit inside the repository for their tsconfig and node_modules to resolve, as .learner/ does.
 */
export function learnerPaths(): { learnerDir: string; progressFile: string } {
  mkdirSync(join(MINI, '.learner'), { recursive: true });
  const dir = mkdtempSync(join(MINI, '.learner', 'test-'));
  scratchDirs.push(dir);
  return { learnerDir: join(dir, 'workspaces'), progressFile: join(dir, 'progress.json') };
}

/** A copy of the mini tutorial to break in some way (its steps' tests do not run there). */
export function miniCopy(): string {
  const dir = scratch();
  cpSync(MINI, dir, { recursive: true, filter: (src) => !src.includes('.learner') });
  return dir;
}

/** Collects what a command prints. */
export function collector(): { log: (text: string) => void; text: () => string } {
  const lines: string[] = [];
  return { log: (text) => lines.push(text), text: () => lines.join('\n') };
}
