import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPOSITORY_ROOT } from '../repl/imports.ts';
import { discoverSteps } from '../steps/step.ts';
import { planDoc, planFor } from './plan.ts';
import { runToEnd } from './processes.ts';
import { runPlan } from './run.ts';
import { makeSandbox } from './sandbox.ts';

// `npx pnpm newcomer`: the newcomer, automated. A fresh clone of HEAD, a shell with Node and npm
// and no pnpm, the Quick start, then every command the README and the chapters show, in order,
// each in a fresh shell, with what the docs say it prints compared. CI runs it (npm test, when
// CI is set); it takes as long as the test suite twice over, since the Quick start runs it.

const USAGE = `usage: npx pnpm newcomer [--docs <file>,...] [--keep]
  --docs   only these documents (paths from the repository root), after an install
  --keep   leave the clone in place afterwards, to look at`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      docs: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dirty = execFileSync('git', ['-C', REPOSITORY_ROOT, 'status', '--porcelain'], {
    encoding: 'utf8',
  });
  const sandbox = makeSandbox(REPOSITORY_ROOT);
  console.log(`The newcomer's clone of ${sandbox.commit}: ${sandbox.root}`);
  if (dirty.trim())
    console.log('(Uncommitted changes in the work tree are not in it: commit them to check them.)');
  console.log(`PATH: ${sandbox.env.PATH} (the system's commands, no pnpm, no corepack)\n`);
  try {
    const { steps } = discoverSteps(sandbox.root);
    const only = values.docs?.split(',').map((doc) => relative(REPOSITORY_ROOT, resolve(doc)));
    if (only) await install(sandbox);
    const actions = only
      ? only.flatMap((doc) => planDoc(doc, readFileSync(join(sandbox.root, doc), 'utf8'), steps))
      : planFor(sandbox.root, steps);
    const result = await runPlan({ sandbox, steps, log: (text) => console.log(text) }, actions);
    console.log(
      `\nnewcomer: ${result.passed} passed, ${result.failed} failed, ${result.skipped} not run (see above why)`,
    );
    for (const failure of result.failures) console.log(`  ✗ ${failure}`);
    return result.failed === 0 ? 0 : 1;
  } finally {
    if (values.keep) console.log(`The clone stays: ${sandbox.root}`);
    else sandbox.remove();
  }
}

// What the Quick start's first run does, for a run that starts past the README.
async function install(sandbox: ReturnType<typeof makeSandbox>): Promise<void> {
  const ended = await runToEnd(sandbox, 'node scripts/with-deps.mjs node --version', 10 * 60_000);
  if (ended.code !== 0) throw new Error(`the install failed:\n${ended.output}`);
}

process.exitCode = await main();
