import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBCOMMANDS } from '../subcommands.ts';
import { typed } from '../typed.ts';
import { runDocs } from './check.ts';
import { transcriptsFrom } from './transcripts.ts';

// `pnpm docs:sync [file...]` rewrites the generated blocks of the docs (of the files named, when
// some are: an author syncs their own chapter without touching anyone else's); `pnpm docs:check`
// fails (exit 1) when a block is stale or the docs point at something that does not exist.

const root = fileURLToPath(new URL('../../../../', import.meta.url));

async function main(mode: string | undefined, files: string[]): Promise<number> {
  if ((mode !== 'sync' && mode !== 'check') || (mode === 'check' && files.length)) {
    console.error('usage: main.ts sync [file...] | main.ts check');
    return 2;
  }
  const only = files.map((file) => relative(root, resolve(file)));
  const report = await runDocs(root, {
    write: mode === 'sync',
    transcript: transcriptsFrom(root),
    subcommands: SUBCOMMANDS,
    ...(only.length ? { only } : {}),
  });
  for (const file of report.written) console.log(`updated ${file}`);
  // One stream for the whole report, so that it reads in order however it is captured.
  if (mode === 'check' && report.stale.length) {
    console.log(
      `${report.stale.join('\n')}\n\nThese blocks are stale: run ${typed('docs:sync')}.\n`,
    );
  }
  if (report.problems.length) console.log(`${report.problems.join('\n')}\n`);
  const failures = report.problems.length + (mode === 'check' ? report.stale.length : 0);
  console.log(
    failures ? `docs: ${failures} problem${failures === 1 ? '' : 's'}` : 'docs: up to date',
  );
  return failures ? 1 : 0;
}

process.exitCode = await main(process.argv[2], process.argv.slice(3));
