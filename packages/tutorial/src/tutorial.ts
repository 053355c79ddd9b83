import { join, resolve } from 'node:path';
import { validateChain } from './steps/chain.ts';
import { discoverSteps, type Step } from './steps/step.ts';

// The tutorial as the commands see it: where it lives, its steps, and where a learner's own
// work is kept (both git-ignored). Tests point these at a fixture tutorial and a scratch dir.
export interface Tutorial {
  root: string;
  steps: Step[];
  /** Problems with the steps themselves: metadata, numbering, chapters. */
  problems: string[];
  /** Holds one workspace per step the learner started: `.learner/NN-name/`. */
  learnerDir: string;
  /** Which steps the learner verified, and when. */
  progressFile: string;
}

export interface TutorialPaths {
  learnerDir?: string;
  progressFile?: string;
}

export function openTutorial(root: string, paths: TutorialPaths = {}): Tutorial {
  const absoluteRoot = resolve(root);
  const { steps, problems } = discoverSteps(absoluteRoot);
  return {
    root: absoluteRoot,
    steps,
    problems: [...problems, ...validateChain(absoluteRoot, steps)],
    learnerDir: paths.learnerDir ?? join(absoluteRoot, '.learner'),
    progressFile: paths.progressFile ?? join(absoluteRoot, '.tutorial-progress.json'),
  };
}
