import { fileURLToPath } from 'node:url';
import { SUBCOMMANDS } from '../subcommands.ts';
import { runDocs } from './check.ts';
import { transcriptsFrom } from './transcripts.ts';

// `pnpm docs:sync` rewrites every generated block of the docs; `pnpm docs:check` fails (exit 1)
// when one is stale or anything else in the docs points at something that does not exist.

const root = fileURLToPath(new URL('../../../../', import.meta.url));

async function main(mode: string | undefined): Promise<number> {
  if (mode !== 'sync' && mode !== 'check') {
    console.error('usage: main.ts sync|check');
    return 2;
  }
  const report = await runDocs(root, {
    write: mode === 'sync',
    transcript: transcriptsFrom(root),
    subcommands: SUBCOMMANDS,
  });
  for (const file of report.written) console.log(`updated ${file}`);
  if (mode === 'check' && report.stale.length) {
    console.error(`${report.stale.join('\n')}\n\nThese blocks are stale: run pnpm docs:sync.`);
  }
  if (report.problems.length) console.error(`\n${report.problems.join('\n')}`);
  const failures = report.problems.length + (mode === 'check' ? report.stale.length : 0);
  console.log(
    failures ? `docs: ${failures} problem${failures === 1 ? '' : 's'}` : 'docs: up to date',
  );
  return failures ? 1 : 0;
}

process.exitCode = await main(process.argv[2]);
