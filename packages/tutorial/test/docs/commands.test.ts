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
        'npx pnpm install',
        'npm test && npm run docs:check',
        'npx pnpm test # everything',
        'npx pnpm --filter @otp-chat/otp bench',
        'npx pnpm -F ./steps/01-counter test',
        'npx pnpm --filter "@otp-chat/*" test',
        'npx pnpm biome check --write .',
        'npx pnpm tutorial start 2',
        'npx pnpm tutorial verify --watch',
        'npx pnpm tutorial diff <step>',
        'npx pnpm repl 01-counter',
        'OTP_CHAT_IMPL=.learner/01-counter npx pnpm run test',
        'npx pnpm <script>',
        'npm run <script>',
        'npx pnpm --filter <package> <script>',
      ),
    ).toEqual([]);
  });

  test('a root script that does not exist', () => {
    expect(check('bash', 'npx pnpm docs:sync', 'npm run lint')).toEqual([
      'docs/x.md:4: `npx pnpm docs:sync`: the root package.json has no script "docs:sync"',
      'docs/x.md:5: `npm run lint`: the root package.json has no script "lint"',
    ]);
  });

  test("a package's script that does not exist, and a filter that matches nothing", () => {
    expect(
      check(
        'shell',
        'npx pnpm --filter @otp-chat/otp bench:all',
        'npx pnpm --filter=@otp-chat/nope test',
      ),
    ).toEqual([
      'docs/x.md:4: `npx pnpm --filter @otp-chat/otp bench:all`: @otp-chat/otp has no script "bench:all"',
      'docs/x.md:5: `npx pnpm --filter=@otp-chat/nope test`: no workspace package matches --filter @otp-chat/nope',
    ]);
  });

  test('a tutorial subcommand or step that does not exist', () => {
    expect(
      check(
        'sh',
        'npx pnpm tutorial frobnicate',
        'npx pnpm tutorial start 9',
        'npx pnpm tutorial diff',
        'npx pnpm repl 3',
      ),
    ).toEqual([
      'docs/x.md:4: `npx pnpm tutorial frobnicate`: "frobnicate" is not a tutorial subcommand ' +
        '(they are: list, diff, run, start, hint, verify, reset, help)',
      'docs/x.md:5: `npx pnpm tutorial start 9`: there is no step "9"',
      'docs/x.md:6: `npx pnpm tutorial diff`: tutorial diff needs a step',
      'docs/x.md:7: `npx pnpm repl 3`: there is no step "3"',
    ]);
  });

  test('pnpm run bare is a problem: a reader with only Node and npm has no pnpm on the PATH', () => {
    expect(check('sh', 'pnpm tutorial run 1', 'OTP_CHAT_IMPL=x pnpm test')).toEqual([
      'docs/x.md:4: `pnpm tutorial run 1`: write `npx pnpm tutorial run 1`: pnpm is not on the PATH of a reader who has only Node and npm, as the Quick start promises',
      'docs/x.md:5: `OTP_CHAT_IMPL=x pnpm test`: write `npx pnpm test`: pnpm is not on the PATH of a reader who has only Node and npm, as the Quick start promises',
    ]);
  });

  test('commands in inline code are checked too, as a table of commands writes them', () => {
    const text = ['# X', '', '| `npx pnpm tutorial nope` | x |', '| `pnpm repl 01` | y |'].join(
      '\n',
    );
    expect(checkCommands('README.md', text, ctx)).toEqual([
      'README.md:3: `npx pnpm tutorial nope`: "nope" is not a tutorial subcommand (they are: list, diff, run, start, hint, verify, reset, help)',
      'README.md:4: `pnpm repl 01`: write `npx pnpm repl 01`: pnpm is not on the PATH of a reader who has only Node and npm, as the Quick start promises',
    ]);
  });

  test('in a console block only the $ lines are commands; other blocks are not checked', () => {
    expect(check('console', '$ npx pnpm nope', 'pnpm output line')).toEqual([
      'docs/x.md:4: `npx pnpm nope`: the root package.json has no script "nope"',
    ]);
    expect(check('ts', 'npx pnpm nope')).toEqual([]);
  });
});
