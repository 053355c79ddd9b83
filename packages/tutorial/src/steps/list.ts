import { readProgress } from '../exercise/progress.ts';
import type { Tutorial } from '../tutorial.ts';
import { type Step, stepLabel } from './step.ts';
import { runStepTests, type TestReport } from './test-run.ts';

// `tutorial list`: the steps in order, each with its chapter and the learner's own progress, at
// once. With `test`, each step's tests run too, one step at a time, and each step's line is
// printed the moment its tests are done. Returns false when something listed is wrong.

export interface ListOptions {
  test: boolean;
  log: (text: string) => void;
  /**
   * A line that stands for work in progress and is replaced by the next (a terminal's status
   * line); '' clears it. Without a terminal there is none: each finished line is the progress.
   */
  progress?: ((text: string) => void) | undefined;
}

export async function listSteps(tutorial: Tutorial, options: ListOptions): Promise<boolean> {
  const { log, progress } = options;
  const verified = readProgress(tutorial.progressFile).verified;
  const width = Math.max(0, ...tutorial.steps.map((s) => s.title.length));
  const chapterWidth = Math.max(0, ...tutorial.steps.map((s) => s.chapter.length));
  const columns = (step: Step) =>
    `${stepLabel(step)}  ${step.title.padEnd(width)}  ${step.chapter.padEnd(chapterWidth)}`;
  let ok = true;
  if (tutorial.steps.length === 0) log('There are no steps yet.');
  else if (options.test) {
    log(`Running the tests of ${tutorial.steps.length} steps, one step at a time:`);
  }
  for (const [index, step] of tutorial.steps.entries()) {
    let status = '';
    if (options.test) {
      progress?.(`${columns(step)}  testing (step ${index + 1} of ${tutorial.steps.length})…`);
      const started = performance.now();
      const report = await runStepTests(step.dir);
      progress?.('');
      ok &&= report.ok;
      status = `  ${testStatus(report)} (${((performance.now() - started) / 1000).toFixed(1)} s)`;
    }
    const mine = verified[step.id] ? `  · you verified it ${verified[step.id]?.slice(0, 10)}` : '';
    log(`${columns(step)}${status}${mine}`);
  }
  for (const problem of tutorial.problems) log(`! ${problem}`);
  return ok && tutorial.problems.length === 0;
}

function testStatus(report: TestReport): string {
  if (report.ok) return `✓ ${report.total} test${report.total === 1 ? '' : 's'} pass`;
  if (report.total === 0) return '✗ tests did not run';
  return `✗ ${report.total - report.passed} of ${report.total} tests fail`;
}
