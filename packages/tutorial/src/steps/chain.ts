import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hintProblems } from '../exercise/hints.ts';
import { type Step, stepLabel } from './step.ts';

// The steps form one chain: 1, 2, 3... each building on the one before, each with a chapter
// and, since a learner may write any step as an exercise, with hints for it. A step keeps the
// conformance features the step before it promised, so a later step is still tested for them.
// Returns what breaks the chain, one readable sentence a problem; empty when it holds.
export function validateChain(root: string, steps: readonly Step[]): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    problems.push(...namingProblems(step));
    const expected = index + 1;
    if (step.number !== expected) {
      problems.push(`steps/${step.id}: step ${step.number} where step ${expected} was expected`);
    }
    const previous = steps[index - 1];
    const wanted = previous ? previous.id : null;
    if (step.buildsOn !== wanted) {
      problems.push(
        `steps/${step.id}: buildsOn is ${JSON.stringify(step.buildsOn)}, ` +
          `expected ${JSON.stringify(wanted)}${previous ? ' (the previous step)' : ' (the first step)'}`,
      );
    }
    const dropped = previous ? previous.features.filter((f) => !step.features.includes(f)) : [];
    if (dropped.length > 0) {
      problems.push(
        `steps/${step.id}: otpChat.features drops ${dropped.join(', ')}, which ` +
          `${previous!.id} promised; a step keeps every feature of the step it builds on`,
      );
    }
    if (!existsSync(join(root, step.chapter))) {
      problems.push(`steps/${step.id} has no chapter: ${step.chapter} is missing`);
    }
    problems.push(...hintProblems(step));
  });
  return problems;
}

function namingProblems(step: Step): string[] {
  const problems: string[] = [];
  if (!step.id.startsWith(`${stepLabel(step)}-`)) {
    problems.push(
      `steps/${step.id}: directory should start with "${stepLabel(step)}-" (step ${step.number})`,
    );
  }
  if (step.packageName !== `@otp-chat/${step.id}`) {
    problems.push(
      `steps/${step.id}: package name should be "@otp-chat/${step.id}", not "${step.packageName}"`,
    );
  }
  return problems;
}
