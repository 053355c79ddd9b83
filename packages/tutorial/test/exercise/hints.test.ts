import { expect, test } from 'vitest';
import { readHints, showNextHint } from '../../src/exercise/hints.ts';
import { readProgress } from '../../src/exercise/progress.ts';
import { discardWorkspace } from '../../src/exercise/reset.ts';
import { startStep } from '../../src/exercise/start.ts';
import { openTutorial } from '../../src/tutorial.ts';
import { collector, learnerPaths, MINI } from '../helpers.ts';

function setUp() {
  const tutorial = openTutorial(MINI, learnerPaths());
  return { tutorial, step: tutorial.steps[1]! };
}

function hint(tutorial: ReturnType<typeof setUp>['tutorial'], step = tutorial.steps[1]!) {
  const out = collector();
  showNextHint(tutorial, step, out.log);
  return out.text();
}

test('hints.md is read as one hint per ## heading, the text before the first left out', () => {
  const { step } = setUp();
  expect(readHints(step)).toEqual([
    { title: 'A second message', body: "`Message` gains `'reset'`." },
    { title: 'What reset gives', body: 'A reset count is zero, whatever it was.' },
    { title: 'Where it goes', body: 'One more `case` in the switch of `handle`.' },
  ]);
});

test('each hint command shows the next hint, and says how many are left and where the answer is', () => {
  const { tutorial, step } = setUp();
  expect(hint(tutorial)).toBe(
    [
      'Step 02 · A counter that resets · hint 1 of 3: A second message',
      '',
      "`Message` gains `'reset'`.",
      '',
      "2 more: npx pnpm tutorial hint 02 again. The whole answer is the reference's diff: npx pnpm tutorial diff 02",
    ].join('\n'),
  );
  expect(hint(tutorial)).toMatch(/^Step 02 .* hint 2 of 3: What reset gives\n\nA reset count/);
  expect(hint(tutorial)).toMatch(/hint 3 of 3: Where it goes\n\n.*\n\nThat was the last hint\. /);
  expect(readProgress(tutorial.progressFile).hints).toEqual({ [step.id]: 3 });
  // Once all are seen, the next call lists them all again rather than saying nothing.
  const again = hint(tutorial);
  expect(again).toMatch(
    /^Step 02 · A counter that resets: you have seen all 3 hints\.\n\n1\. A second message\n\n {3}`Message`/,
  );
  expect(again).toContain('3. Where it goes\n\n   One more `case`');
});

test('hints are counted per step, and resetting a step forgets which of its hints were seen', async () => {
  const { tutorial, step } = setUp();
  startStep(tutorial, step, () => {});
  hint(tutorial);
  hint(tutorial);
  expect(hint(tutorial, tutorial.steps[0]!)).toMatch(/^Step 01 · A counter · hint 1 of 2/);
  expect(readProgress(tutorial.progressFile).hints).toEqual({ '01-counter': 1, [step.id]: 2 });
  await discardWorkspace(tutorial, step, { yes: true, ask: undefined });
  expect(readProgress(tutorial.progressFile).hints).toEqual({ '01-counter': 1 });
  expect(hint(tutorial)).toMatch(/hint 1 of 3/);
});
