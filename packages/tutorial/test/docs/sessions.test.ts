import { describe, expect, test } from 'vitest';
import { sessionStarts } from '../../src/docs/sessions.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { MINI } from '../helpers.ts';

const { steps } = discoverSteps(MINI);
const transcript = (script: string) => [
  `<!-- transcript: steps/${script} -->`,
  '```text',
  '> 1;',
  '1',
  '```',
  '<!-- /transcript -->',
];
const fenced = (...lines: string[]) => ['```sh', ...lines, '```'];

describe('each REPL session starts in a fresh REPL, and the chapter says where', () => {
  test('a repl command before each session', () => {
    const text = [
      '# 1',
      ...fenced('npx pnpm repl 01'),
      ...transcript('01-counter/repl/01-count.repl.ts'),
      'Again, in a fresh REPL:',
      ...fenced('npx pnpm repl 1 # the same step'),
      ...transcript('01-counter/repl/01-count.repl.ts'),
    ].join('\n');
    expect(sessionStarts('docs/01-counter.md', text, steps)).toEqual({
      starts: [
        {
          transcriptLine: 5,
          script: 'steps/01-counter/repl/01-count.repl.ts',
          replLine: 3,
          step: '01',
        },
        {
          transcriptLine: 15,
          script: 'steps/01-counter/repl/01-count.repl.ts',
          replLine: 13,
          step: '1',
        },
      ],
      problems: [],
    });
  });

  test('a second session with no repl command of its own, and one opened for another step', () => {
    const text = [
      '# 1',
      ...fenced('npx pnpm repl 01'),
      ...transcript('01-counter/repl/01-count.repl.ts'),
      ...transcript('01-counter/repl/01-count.repl.ts'),
      ...fenced('npx pnpm repl 02'),
      ...transcript('01-counter/repl/01-count.repl.ts'),
    ].join('\n');
    expect(sessionStarts('docs/01-counter.md', text, steps).problems).toEqual([
      'docs/01-counter.md:11: the session of steps/01-counter/repl/01-count.repl.ts starts in a fresh REPL, and nothing says so: put a shell block with `npx pnpm repl 01` between it and the session before it',
      'docs/01-counter.md:20: the session of steps/01-counter/repl/01-count.repl.ts is typed into `npx pnpm repl 02` (line 18): it needs `npx pnpm repl 01`',
    ]);
  });
});
