import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stepDiff } from '../steps/diff.ts';
import { resolveStep } from '../steps/resolve.ts';
import { previousStep, type Step, stepLabel } from '../steps/step.ts';
import { ListingError, readListing } from './include.ts';
import { fenceFor } from './markdown.ts';
import type { Marker } from './markers.ts';
import { renderToc } from './toc.ts';

export interface DocsContext {
  root: string;
  steps: readonly Step[];
  /** The transcript of a REPL script (path relative to the root); throws if it does not replay. */
  transcript(script: string): Promise<string>;
}

/** The text that belongs between a marker's opener and closer. Throws ListingError. */
export async function renderMarker(
  marker: Marker,
  docFile: string,
  ctx: DocsContext,
): Promise<string> {
  switch (marker.kind) {
    case 'include': {
      const listing = readListing(ctx.root, marker.arg);
      return fenced(listing.lang, listing.code);
    }
    case 'transcript':
      if (!existsSync(join(ctx.root, marker.arg)))
        throw new ListingError(`${marker.arg} does not exist`);
      return fenced('text', (await ctx.transcript(marker.arg)).trimEnd());
    case 'diff':
      return fenced('diff', diffOf(marker.arg, ctx).trimEnd());
    case 'toc':
      return renderToc(ctx.root, ctx.steps, docFile);
  }
}

function diffOf(arg: string, ctx: DocsContext): string {
  let step: Step;
  try {
    step = resolveStep(ctx.steps, arg);
  } catch {
    throw new ListingError(`there is no step "${arg}"`);
  }
  const base = previousStep(ctx.steps, step);
  if (!base) throw new ListingError(`step ${stepLabel(step)} builds on no step, so it has no diff`);
  return stepDiff(base, step);
}

function fenced(lang: string, content: string): string {
  const fence = fenceFor(content);
  return `${fence}${lang}\n${content}\n${fence}`;
}
