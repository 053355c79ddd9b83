import { readProgress } from '../exercise/progress.ts';
import type { Tutorial } from '../tutorial.ts';
import { stepLabel } from './step.ts';
import { runStepTests, type TestReport } from './test-run.ts';

// `tutorial list`: the steps in order, each with its chapter and whether its tests pass, plus
// the learner's own progress. Returns false when something listed is wrong.
export async function listSteps(
  tutorial: Tutorial,
  options: { test: boolean; log: (text: string) => void },
): Promise<boolean> {
  const { log } = options;
  const verified = readProgress(tutorial.progressFile).verified;
  const width = Math.max(0, ...tutorial.steps.map((s) => s.title.length));
  const chapterWidth = Math.max(0, ...tutorial.steps.map((s) => s.chapter.length));
  let ok = true;
  if (tutorial.steps.length === 0) log('There are no steps yet.');
  for (const step of tutorial.steps) {
    const report = options.test ? await runStepTests(step.dir) : undefined;
    ok &&= report?.ok ?? true;
    const mine = verified[step.id] ? `  · you verified it ${verified[step.id]?.slice(0, 10)}` : '';
    log(
      `${stepLabel(step)}  ${step.title.padEnd(width)}  ${step.chapter.padEnd(chapterWidth)}  ${testStatus(report)}${mine}`,
    );
  }
  for (const problem of tutorial.problems) log(`! ${problem}`);
  return ok && tutorial.problems.length === 0;
}

function testStatus(report: TestReport | undefined): string {
  if (!report) return '';
  if (report.ok) return `✓ ${report.total} test${report.total === 1 ? '' : 's'} pass`;
  if (report.total === 0) return '✗ tests did not run';
  return `✗ ${report.total - report.passed} of ${report.total} tests fail`;
}
