import { existsSync, rmSync } from 'node:fs';
import { CommandError } from '../errors.ts';
import { type Step, stepLabel } from '../steps/step.ts';
import type { Tutorial } from '../tutorial.ts';
import { typed } from '../typed.ts';
import { forgetStep } from './progress.ts';
import { shown, workspaceDir } from './workspace.ts';

// `tutorial reset`: throws a step's workspace away so that `start` can make it afresh. It
// deletes the learner's own code, so it asks first; where it cannot ask (no terminal), only
// --yes lets it go ahead.

export interface Confirmation {
  yes: boolean;
  /** Asks the question on the terminal, or is undefined when there is no terminal to ask on. */
  ask: ((question: string) => Promise<boolean>) | undefined;
}

/** Returns false when the learner said no. */
export async function discardWorkspace(
  tutorial: Tutorial,
  step: Step,
  confirm: Confirmation,
): Promise<boolean> {
  const dir = workspaceDir(tutorial, step);
  if (existsSync(dir) && !confirm.yes) {
    const what = `${shown(tutorial, dir)} and everything you wrote there`;
    if (!confirm.ask) {
      throw new CommandError(
        `reset would delete ${what}; there is no terminal to ask you, so confirm with: ` +
          typed(`tutorial reset ${stepLabel(step)} --yes`),
      );
    }
    if (!(await confirm.ask(`Delete ${what}? [y/N] `))) return false;
  }
  rmSync(dir, { recursive: true, force: true });
  forgetStep(tutorial.progressFile, step.id);
  return true;
}
