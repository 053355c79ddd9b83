import { describe, expect, test } from 'vitest';
import { planDoc } from '../../src/newcomer/plan.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { MINI } from '../helpers.ts';

const { steps } = discoverSteps(MINI);
const doc = (...lines: string[]) => lines.join('\n');

describe('what a newcomer is told to type, read from a document', () => {
  test('a server with the lines it prints, and the nc clients that follow it', () => {
    const text = doc(
      '# Try it',
      '```sh',
      'npx pnpm start 05',
      '```',
      '',
      '```text',
      'chat server listening on 127.0.0.1:8080',
      '```',
      'Then connect:',
      '```console',
      '$ nc 127.0.0.1 8080',
      'Welcome!',
      'alice',
      '```',
    );
    expect(planDoc('docs/05.md', text, steps)).toEqual([
      {
        kind: 'server',
        at: { doc: 'docs/05.md', line: 3 },
        command: 'npx pnpm start 05',
        shown: { line: 7, lines: ['chat server listening on 127.0.0.1:8080'] },
        clients: [
          {
            at: { doc: 'docs/05.md', line: 11 },
            command: 'nc 127.0.0.1 8080',
            port: 8080,
            shown: { line: 12, lines: ['Welcome!', 'alice'] },
          },
        ],
      },
    ]);
  });

  test('a REPL command takes the session shown after it; one without a session is only opened', () => {
    const text = doc(
      '# 1',
      '```sh',
      'npx pnpm repl 01',
      '```',
      '<!-- transcript: steps/01-counter/repl/01-count.repl.ts -->',
      '```text',
      "> const room = handle(1, 'increment')",
      '> [',
      '...   room,',
      '... ];',
      '[ 2 ]',
      '```',
      '<!-- /transcript -->',
      '```sh',
      'npx pnpm repl 02',
      '```',
    );
    const [session, bare] = planDoc('docs/01.md', text, steps);
    expect(session).toMatchObject({
      kind: 'repl',
      session: {
        line: 7,
        entries: [
          { line: 7, input: "const room = handle(1, 'increment')", output: [] },
          { line: 8, input: '[\n  room,\n];', output: ['[ 2 ]'] },
        ],
      },
    });
    expect(bare).toMatchObject({ kind: 'repl', command: 'npx pnpm repl 02' });
    expect(bare).not.toHaveProperty('session');
  });

  test('watch mode, dry forms, placeholders, and a table of commands; prose mentions are not run', () => {
    const text = doc(
      '| command | what |',
      '| --- | --- |',
      '| `npx pnpm bench:otp` | a benchmark |',
      'As `npm test` says, all is well.',
      '```sh',
      'npx pnpm tutorial verify 02 --watch',
      'npx pnpm tutorial reset 02',
      'npx pnpm tutorial start <step>',
      'npx pnpm bench:chat',
      'npm test',
      'npx pnpm tutorial list --test',
      '```',
    );
    expect(
      planDoc('README.md', text, steps).map((a) => [a.kind, a.at.line, 'dry' in a ? a.dry : '']),
    ).toEqual([
      ['run', 3, 'the quick run (--quick): the full one takes minutes'],
      ['watch', 6, ''],
      ['run', 7, 'the question answered yes (--yes)'],
      ['skip', 8, ''],
      ['run', 9, 'its --help: a run takes minutes'],
      ['run', 10, ''],
      ['run', 11, "tutorial list: npm test ran every step's tests already"],
    ]);
    expect(planDoc('README.md', text, steps).at(-1)).toMatchObject({
      command: 'npx pnpm tutorial list --test',
      instead: 'npx pnpm tutorial list',
      args: [],
    });
  });
});
