import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateChain } from '../steps/chain.ts';
import { discoverSteps } from '../steps/step.ts';
import type { SubcommandSpec } from '../subcommands.ts';
import { type CommandContext, checkCommands } from './commands.ts';
import { checkLinks } from './links.ts';
import { findMarkers } from './markers.ts';
import type { DocsContext } from './render.ts';
import { sessionStarts } from './sessions.ts';
import { syncDocument } from './sync.ts';
import { rootBins, rootScripts, workspacePackages } from './workspace.ts';

// docs:check and docs:sync over the whole repository. The documents are docs/**/*.md and the
// Markdown files at the root (README, CONTRIBUTING, CONVENTIONS): what a reader is shown.

export interface DocsRun {
  /** Whether to write the synced documents back (docs:sync) or only report (docs:check). */
  write: boolean;
  transcript: DocsContext['transcript'];
  subcommands: readonly SubcommandSpec[];
  /** Sync only these documents (paths from the root); the checks still cover everything. */
  only?: readonly string[];
}

export interface DocsReport {
  /** Blocks that are out of date (written, in a sync). */
  stale: string[];
  /** Everything a sync cannot fix. */
  problems: string[];
  /** Documents that a sync rewrote. */
  written: string[];
}

export async function runDocs(root: string, run: DocsRun): Promise<DocsReport> {
  const { steps, problems: discovery } = discoverSteps(root);
  const report: DocsReport = {
    stale: [],
    written: [],
    problems: [...discovery, ...validateChain(root, steps)],
  };
  report.problems.push(
    ...chaptersWithoutSteps(
      root,
      steps.map((s) => s.id),
    ),
  );
  report.problems.push(...tocProblems(root));
  const ctx: DocsContext = { root, steps, transcript: run.transcript };
  const commands: CommandContext = {
    rootScripts: rootScripts(root),
    rootBins: rootBins(root),
    packages: workspacePackages(root),
    subcommands: run.subcommands,
    steps,
  };
  for (const docFile of documents(root)) {
    const original = readFileSync(join(root, docFile), 'utf8');
    const synced = await syncDocument(docFile, original, ctx);
    report.stale.push(...synced.stale);
    report.problems.push(...synced.problems);
    const text = run.write ? synced.text : original;
    report.problems.push(
      ...checkLinks(root, docFile, text),
      ...checkCommands(docFile, text, commands),
      ...sessionStarts(docFile, text, steps).problems,
    );
    if (run.write && synced.text !== original && (!run.only || run.only.includes(docFile))) {
      writeFileSync(join(root, docFile), synced.text);
      report.written.push(docFile);
    }
  }
  return report;
}

export function documents(root: string): string[] {
  const atRoot = readdirSync(root).filter((f) => f.endsWith('.md'));
  const docsDir = join(root, 'docs');
  const inDocs = existsSync(docsDir)
    ? readdirSync(docsDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md') && !f.split('/').includes('node_modules'))
        .map((f) => `docs/${f}`)
    : [];
  return [...atRoot, ...inDocs].sort();
}

// A chapter is `docs/NN-name.md`; one whose step does not exist is left over from a rename.
function chaptersWithoutSteps(root: string, stepIds: string[]): string[] {
  const docsDir = join(root, 'docs');
  if (!existsSync(docsDir)) return [];
  return readdirSync(docsDir)
    .filter((f) => /^\d+-.*\.md$/.test(f) && !stepIds.includes(f.slice(0, -3)))
    .map((f) => `docs/${f} is a chapter without a step: there is no steps/${f.slice(0, -3)}`);
}

// docs/README.md is the way in: its table of contents is generated, so it lists every step.
function tocProblems(root: string): string[] {
  const file = join(root, 'docs', 'README.md');
  if (!existsSync(file)) return ['docs/README.md is missing: it holds the table of contents'];
  const { markers } = findMarkers(readFileSync(file, 'utf8'));
  if (markers.some((m) => m.kind === 'toc')) return [];
  return ['docs/README.md has no <!-- toc --> ... <!-- /toc --> table of contents'];
}
