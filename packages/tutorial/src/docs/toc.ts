import { dirname, join, relative } from 'node:path';
import type { Step } from '../steps/step.ts';

// The table of contents between <!-- toc --> and <!-- /toc -->: every step, in order, linking
// its chapter. Generated, so that docs:check can tell when a step is missing from it.
export function renderToc(steps: readonly Step[], docFile: string): string {
  const from = dirname(docFile);
  return steps
    .map((step) => {
      const link = relative(from, join(step.chapter)) || step.chapter;
      return `${step.number}. [${step.title}](${link}) — \`steps/${step.id}\``;
    })
    .join('\n');
}
