import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { markVerified, readProgress } from '../../src/exercise/progress.ts';
import { discardWorkspace } from '../../src/exercise/reset.ts';
import { startStep } from '../../src/exercise/start.ts';
import { workspaceDir } from '../../src/exercise/workspace.ts';
import { openTutorial } from '../../src/tutorial.ts';
import { learnerPaths, MINI } from '../helpers.ts';

function started() {
  const tutorial = openTutorial(MINI, learnerPaths());
  const step = tutorial.steps[1]!;
  startStep(tutorial, step, () => {});
  markVerified(tutorial.progressFile, step.id);
  return { tutorial, step, dir: workspaceDir(tutorial, step) };
}

test('without a terminal to ask on, reset refuses unless told --yes', async () => {
  const { tutorial, step, dir } = started();
  await expect(discardWorkspace(tutorial, step, { yes: false, ask: undefined })).rejects.toThrow(
    /reset would delete .*02-counter-reset and everything you wrote there; .* --yes$/,
  );
  expect(existsSync(dir)).toBe(true);
});

test('a "no" on the terminal deletes nothing', async () => {
  const { tutorial, step, dir } = started();
  const questions: string[] = [];
  const ask = async (question: string) => {
    questions.push(question);
    return false;
  };
  expect(await discardWorkspace(tutorial, step, { yes: false, ask })).toBe(false);
  expect(questions).toHaveLength(1);
  expect(questions[0]).toMatch(
    /^Delete .*02-counter-reset and everything you wrote there\? \[y\/N\] $/,
  );
  expect(existsSync(dir)).toBe(true);
});

test('confirmed, reset deletes the workspace and forgets the verification', async () => {
  const { tutorial, step, dir } = started();
  expect(await discardWorkspace(tutorial, step, { yes: true, ask: undefined })).toBe(true);
  expect(existsSync(dir)).toBe(false);
  expect(readProgress(tutorial.progressFile).verified).toEqual({});
});
