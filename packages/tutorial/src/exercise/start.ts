import { type Step, stepLabel } from '../steps/step.ts';
import type { Tutorial } from '../tutorial.ts';
import { typed } from '../typed.ts';
import { createWorkspace, shown, workspaceDir } from './workspace.ts';

// `tutorial start`: a fresh workspace for the step, and what to do with it.
export function startStep(tutorial: Tutorial, step: Step, log: (text: string) => void): void {
  const from = createWorkspace(tutorial, step);
  const dir = shown(tutorial, workspaceDir(tutorial, step));
  const label = stepLabel(step);
  log(
    [
      `Step ${label} · ${step.title}`,
      `Your workspace is ${dir}, starting from ${from.description}.`,
      '',
      `1. Read ${step.chapter}.`,
      `2. Write the step in ${dir}/src. Stuck? ${typed(`tutorial hint ${label}`)} gives a hint, one at a time;`,
      `   ${typed(`tutorial diff ${label}`)} shows the whole answer, the reference's changes.`,
      `3. Check your work: ${typed(`tutorial verify ${label}`)}   (add --watch to re-check on every save)`,
    ].join('\n'),
  );
}
