import { describe, expect, test } from 'vitest';
import type { SessionEntry } from '../../src/newcomer/plan.ts';
import { typeSession } from '../../src/newcomer/repl.ts';
import type { Sandbox } from '../../src/newcomer/sandbox.ts';
import { scratch } from '../helpers.ts';

// Node's own REPL, on pipes as `npx pnpm repl` is in the check: prompts, no echo.
const REPL = `node -e "require('node:repl').start({ prompt: '> ', ignoreUndefined: true })"`;

function sandbox(): Sandbox {
  return { root: scratch(), env: { ...process.env }, commit: 'test', remove: () => {} };
}

const entry = (line: number, input: string, ...output: string[]): SessionEntry => ({
  line,
  input,
  output,
});

describe('typing a chapter session into a REPL', () => {
  test('inputs that print what the chapter shows, a multi-line one and late output included', async () => {
    const outcome = await typeSession(sandbox(), REPL, 'docs/01.md', [
      entry(10, 'const n = 20;'),
      entry(11, 'n + 22;', '42'),
      entry(12, '[\n  n,\n];', '[ 20 ]'),
      entry(15, "setTimeout(() => console.log('later'), 20), 'now';", "'now'", 'later'),
    ]);
    expect(outcome.problems).toEqual([]);
  });

  test('an input that prints something else is reported at its line, with both', async () => {
    const outcome = await typeSession(sandbox(), REPL, 'docs/01.md', [
      entry(10, '1 + 1;', '3'),
      entry(11, "'still typed';", "'still typed'"),
    ]);
    expect(outcome.problems).toEqual([
      [
        'docs/01.md:10: typed into the REPL, this input printed something else than the chapter shows:',
        '    > 1 + 1;',
        '  the chapter shows:',
        '    3',
        '  the REPL printed:',
        '    2',
      ].join('\n'),
    ]);
  });

  test('a name the REPL does not have is an error the reader would see: reported', async () => {
    const outcome = await typeSession(sandbox(), REPL, 'docs/06.md', [
      entry(20, 'typeof WebSocketServer;', "'function'"),
      entry(21, 'WebSocketServer;', '[class WebSocketServer]'),
    ]);
    expect(outcome.problems).toHaveLength(2);
    expect(outcome.problems[1]).toMatch(
      /^docs\/06\.md:21: .*\n[\s\S]*Uncaught ReferenceError: WebSocketServer is not defined/,
    );
  });

  test('a REPL that never shows a prompt is reported, not waited on forever', async () => {
    const outcome = await typeSession(sandbox(), 'echo "no REPL here"', 'docs/01.md', []);
    expect(outcome.problems[0]).toMatch(/^the REPL did not start:\n {4}no REPL here/);
  });
});
