import { describe, expect, test } from 'vitest';
import { type CommandContext, checkCommands } from '../../src/docs/commands.ts';
import { discoverSteps } from '../../src/steps/step.ts';
import { SUBCOMMANDS } from '../../src/subcommands.ts';
import { MINI } from '../helpers.ts';

const ctx: CommandContext = {
  rootScripts: {
    test: 'vitest run',
    tutorial: 'tsx cli.ts',
    repl: 'tsx repl.ts',
    'docs:check': 'x',
  },
  rootBins: new Set(['biome']),
  packages: [
    { name: '@otp-chat/01-counter', dir: 'steps/01-counter', scripts: { test: 'vitest run' } },
    {
      name: '@otp-chat/otp',
      dir: 'packages/otp',
      scripts: { test: 'vitest run', bench: 'tsx b.ts' },
    },
  ],
  subcommands: SUBCOMMANDS,
  steps: discoverSteps(MINI).steps,
};

const check = (lang: string, ...lines: string[]) =>
  checkCommands('docs/x.md', ['# X', '', `\`\`\`${lang}`, ...lines, '```'].join('\n'), ctx);

describe('commands in shell blocks', () => {
  test('real commands pass', () => {
    expect(
      check(
        'sh',
        'pnpm install',
        'npm test && npm run docs:check',
        'pnpm test # everything',
        'pnpm --filter @otp-chat/otp bench',
        'pnpm -F ./steps/01-counter test',
        'pnpm --filter "@otp-chat/*" test',
        'pnpm biome check --write .',
        'pnpm tutorial start 2',
        'pnpm tutorial verify --watch',
        'pnpm tutorial diff <step>',
        'pnpm repl 01-counter',
        'OTP_CHAT_IMPL=.learner/01-counter pnpm run test',
      ),
    ).toEqual([]);
  });

  test('a root script that does not exist', () => {
    expect(check('bash', 'pnpm docs:sync', 'npm run lint')).toEqual([
      'docs/x.md:4: `pnpm docs:sync`: the root package.json has no script "docs:sync"',
      'docs/x.md:5: `npm run lint`: the root package.json has no script "lint"',
    ]);
  });

  test("a package's script that does not exist, and a filter that matches nothing", () => {
    expect(
      check('shell', 'pnpm --filter @otp-chat/otp bench:all', 'pnpm --filter=@otp-chat/nope test'),
    ).toEqual([
      'docs/x.md:4: `pnpm --filter @otp-chat/otp bench:all`: @otp-chat/otp has no script "bench:all"',
      'docs/x.md:5: `pnpm --filter=@otp-chat/nope test`: no workspace package matches --filter @otp-chat/nope',
    ]);
  });

  test('a tutorial subcommand or step that does not exist', () => {
    expect(
      check(
        'sh',
        'pnpm tutorial frobnicate',
        'pnpm tutorial start 9',
        'pnpm tutorial diff',
        'pnpm repl 3',
      ),
    ).toEqual([
      'docs/x.md:4: `pnpm tutorial frobnicate`: "frobnicate" is not a tutorial subcommand ' +
        '(they are: list, diff, run, start, hint, verify, reset, help)',
      'docs/x.md:5: `pnpm tutorial start 9`: there is no step "9"',
      'docs/x.md:6: `pnpm tutorial diff`: tutorial diff needs a step',
      'docs/x.md:7: `pnpm repl 3`: there is no step "3"',
    ]);
  });

  test('in a console block only the $ lines are commands; other blocks are not checked', () => {
    expect(check('console', '$ pnpm nope', 'pnpm output line')).toEqual([
      'docs/x.md:4: `pnpm nope`: the root package.json has no script "nope"',
    ]);
    expect(check('ts', 'pnpm nope')).toEqual([]);
  });
});
