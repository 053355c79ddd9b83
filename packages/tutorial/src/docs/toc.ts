import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Step } from '../steps/step.ts';

// The table of contents between <!-- toc --> and <!-- /toc -->: every step, in order, linking
// its chapter. Generated, so that docs:check can tell when a step is missing from it. A step
// whose chapter is not written yet is listed without a link (the check reports the chapter).
export function renderToc(root: string, steps: readonly Step[], docFile: string): string {
  const from = dirname(docFile);
  return steps
    .map((step) => {
      const title = existsSync(join(root, step.chapter))
        ? `[${step.title}](${relative(from, step.chapter)})`
        : `${step.title} (no chapter yet)`;
      return `${step.number}. ${title} — \`steps/${step.id}\``;
    })
    .join('\n');
}
