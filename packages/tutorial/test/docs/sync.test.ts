import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DocsContext } from '../../src/docs/render.ts';
import { syncDocument } from '../../src/docs/sync.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { MINI } from '../helpers.ts';

const ctx: DocsContext = {
  root: MINI,
  steps: discoverSteps(MINI).steps,
  transcript: async () => "> handle(1, 'increment');\n2",
};
const chapter = readFileSync(join(MINI, 'docs/01-counter.md'), 'utf8');

describe('syncDocument', () => {
  test('an up-to-date chapter is left as it is', async () => {
    expect(await syncDocument('docs/01-counter.md', chapter, ctx)).toEqual({
      text: chapter,
      stale: [],
      problems: [],
    });
  });

  test('a stale listing is reported at the line that differs, and sync rewrites it', async () => {
    const edited = chapter.replace(
      "export type Message = 'increment';",
      "export type Message = 'inc';",
    );
    const result = await syncDocument('docs/01-counter.md', edited, ctx);
    expect(result.stale).toEqual([
      'docs/01-counter.md:7: the include of steps/01-counter/src/index.ts#messages is stale\n' +
        "    the doc has:  export type Message = 'inc';\n" +
        "    source gives: export type Message = 'increment';",
    ]);
    expect(result.text).toBe(chapter);
  });

  test('an empty block is filled in', async () => {
    const empty =
      '# T\n\n<!-- include: steps/01-counter/src/index.ts#messages -->\n<!-- /include -->\n';
    const result = await syncDocument('docs/x.md', empty, ctx);
    expect(result.stale[0]).toContain('the doc has:  (an empty block)');
    expect(result.text).toBe(
      "# T\n\n<!-- include: steps/01-counter/src/index.ts#messages -->\n```ts\nexport type Message = 'increment';\n```\n<!-- /include -->\n",
    );
  });

  test('a marker whose region is missing is a problem, and its block is kept', async () => {
    const broken = chapter.replace('index.ts#handle', 'index.ts#handler');
    const result = await syncDocument('docs/01-counter.md', broken, ctx);
    expect(result.problems).toEqual([
      'docs/01-counter.md:13: include of steps/01-counter/src/index.ts#handler: ' +
        'steps/01-counter/src/index.ts has no region "handler" (its regions: messages, handle)',
    ]);
    expect(result.text).toBe(broken);
  });

  test('a marker without its closer', async () => {
    const result = await syncDocument('docs/x.md', '<!-- diff: 02 -->\ntext\n', ctx);
    expect(result.problems).toEqual([
      'docs/x.md:line 1: <!-- diff: 02 --> has no <!-- /diff --> closer',
    ]);
  });

  test('markers inside code blocks are examples, not markers', async () => {
    const example = '```md\n<!-- include: nowhere.ts -->\n<!-- /include -->\n```\n';
    expect(await syncDocument('docs/x.md', example, ctx)).toMatchObject({
      stale: [],
      problems: [],
    });
  });

  test('a diff of a step that builds on nothing', async () => {
    const result = await syncDocument('docs/x.md', '<!-- diff: 01 -->\n<!-- /diff -->', ctx);
    expect(result.problems).toEqual([
      'docs/x.md:1: diff of 01: step 01 builds on no step, so it has no diff',
    ]);
  });
});
