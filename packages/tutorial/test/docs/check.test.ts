import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { documents, runDocs } from '../../src/docs/check.ts';
import { transcriptsFrom } from '../../src/docs/transcripts.ts';
import { SUBCOMMANDS } from '../../src/subcommands.ts';
import { MINI, miniCopy } from '../helpers.ts';

// Copies of the mini tutorial get a canned transcript: replaying scripts is tested once, below.
const canned = async () => "> handle(1, 'increment');\n2";
const check = (root: string) =>
  runDocs(root, { write: false, transcript: canned, subcommands: SUBCOMMANDS });

describe('docs check of the mini tutorial', () => {
  test('replays each script once, and finds the docs up to date', async () => {
    const replayed: string[] = [];
    const replay = transcriptsFrom(MINI);
    const transcript = (script: string) => {
      replayed.push(script);
      return replay(script);
    };
    const report = await runDocs(MINI, { write: false, transcript, subcommands: SUBCOMMANDS });
    expect(report).toEqual({ stale: [], problems: [], written: [] });
    expect(replayed).toEqual(['steps/01-counter/repl/01-count.repl.ts']);
  });

  test('the documents are the root Markdown files and everything under docs/', () => {
    expect(documents(MINI)).toEqual([
      'docs/01-counter.md',
      'docs/02-counter-reset.md',
      'docs/README.md',
    ]);
  });
});

describe('what the docs check catches', () => {
  test('a stale listing, which docs:sync then fixes', async () => {
    const root = miniCopy();
    const source = join(root, 'steps/01-counter/src/index.ts');
    writeFileSync(
      source,
      readFileSync(source, 'utf8').replace("'increment';", "'increment' | 'noop';"),
    );
    const report = await check(root);
    expect(report.stale.map((s) => s.split('\n')[0])).toEqual([
      'docs/01-counter.md:7: the include of steps/01-counter/src/index.ts#messages is stale',
      'docs/02-counter-reset.md:30: the diff of 02 is stale',
    ]);
    const synced = await runDocs(root, {
      write: true,
      transcript: canned,
      subcommands: SUBCOMMANDS,
    });
    expect(synced.written).toEqual(['docs/01-counter.md', 'docs/02-counter-reset.md']);
    expect(await check(root)).toEqual({ stale: [], problems: [], written: [] });
  });

  test('a missing region', async () => {
    const root = miniCopy();
    const source = join(root, 'steps/01-counter/src/index.ts');
    writeFileSync(
      source,
      readFileSync(source, 'utf8').replaceAll('region handle', 'region handler'),
    );
    expect((await check(root)).problems).toEqual([
      'docs/01-counter.md:13: include of steps/01-counter/src/index.ts#handle: ' +
        'steps/01-counter/src/index.ts has no region "handle" (its regions: messages, handler)',
    ]);
  });

  test('a step without a chapter, and a chapter without a step', async () => {
    const root = miniCopy();
    renameSync(join(root, 'docs/02-counter-reset.md'), join(root, 'docs/02-reset.md'));
    const { problems, stale } = await check(root);
    expect(problems).toContain(
      'steps/02-counter-reset has no chapter: docs/02-counter-reset.md is missing',
    );
    // The table of contents lists the step without a link, rather than with a broken one.
    expect(stale.join('\n')).toContain('source gives: 2. A counter that resets (no chapter yet) —');
    expect(problems).toContain(
      'docs/02-reset.md is a chapter without a step: there is no steps/02-reset',
    );
  });

  test('a table of contents that misses a step, and a README without one', async () => {
    const root = miniCopy();
    const readme = join(root, 'docs/README.md');
    const text = readFileSync(readme, 'utf8');
    writeFileSync(readme, text.replace(/^2\. .*\n/m, ''));
    expect((await check(root)).stale).toEqual([
      'docs/README.md:7: the toc is stale\n' +
        '    the doc has:  (nothing more)\n' +
        '    source gives: 2. [A counter that resets](02-counter-reset.md) — `steps/02-counter-reset`',
    ]);
    writeFileSync(readme, '# Mini\n');
    expect((await check(root)).problems).toEqual([
      'docs/README.md has no <!-- toc --> ... <!-- /toc --> table of contents',
    ]);
  });

  test('a broken link and a command that does not exist, in a root README', async () => {
    const root = miniCopy();
    writeFileSync(
      join(root, 'README.md'),
      '# Mini\n\nSee [the docs](doc/README.md).\n\n```sh\nnpx pnpm tutorial begin 01\n```\n',
    );
    expect((await check(root)).problems).toEqual([
      'README.md:3: broken link doc/README.md: doc/README.md does not exist',
      'README.md:6: `npx pnpm tutorial begin 01`: "begin" is not a tutorial subcommand ' +
        '(they are: list, diff, run, start, hint, verify, reset, help)',
    ]);
  });

  test('a wrong step number in metadata', async () => {
    const root = miniCopy();
    const manifest = join(root, 'steps/02-counter-reset/package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"step": 2', '"step": 3'));
    rmSync(join(root, 'docs/02-counter-reset.md'), { force: false });
    const { problems } = await check(root);
    expect(problems).toContain(
      'steps/02-counter-reset: directory should start with "03-" (step 3)',
    );
    expect(problems).toContain('steps/02-counter-reset: step 3 where step 2 was expected');
  });
});
