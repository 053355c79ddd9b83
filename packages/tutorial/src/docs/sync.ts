import { ListingError } from './include.ts';
import { describeMarker, findMarkers, type Marker } from './markers.ts';
import { type DocsContext, renderMarker } from './render.ts';

// Brings one document's generated blocks up to date. The same pass serves docs:sync (write the
// new text) and docs:check (report what is stale): a check is a sync that is not written.

export interface DocSync {
  /** The document with every block it could render brought up to date. */
  text: string;
  /** Blocks whose text differs from what their source renders to now. */
  stale: string[];
  /** Markers that cannot render: missing file or region, broken script, unknown step... */
  problems: string[];
}

export async function syncDocument(
  docFile: string,
  text: string,
  ctx: DocsContext,
): Promise<DocSync> {
  const lines = text.split('\n');
  const { markers, problems } = findMarkers(text);
  const result: DocSync = { text, stale: [], problems: problems.map((p) => `${docFile}:${p}`) };
  // Work from the last marker back, so earlier line numbers stay valid while replacing.
  for (const marker of [...markers].reverse()) {
    const current = lines.slice(marker.line, marker.closeLine - 1).join('\n');
    let rendered: string;
    try {
      rendered = await renderMarker(marker, docFile, ctx);
    } catch (error) {
      if (!(error instanceof ListingError)) throw error;
      result.problems.unshift(
        `${docFile}:${marker.line}: ${describeMarker(marker)}: ${error.message}`,
      );
      continue;
    }
    if (rendered === current) continue;
    result.stale.unshift(staleMessage(docFile, marker, current, rendered));
    lines.splice(marker.line, marker.closeLine - 1 - marker.line, ...rendered.split('\n'));
  }
  result.text = lines.join('\n');
  return result;
}

function staleMessage(docFile: string, marker: Marker, current: string, rendered: string): string {
  const had = current.split('\n');
  const wants = rendered.split('\n');
  const at = wants.findIndex((line, i) => line !== had[i]);
  const index = at === -1 ? wants.length : at;
  const where = `${docFile}:${marker.line + 1 + index}`;
  return (
    `${where}: the ${describeMarker(marker)} is stale\n` +
    `    the doc has:  ${current === '' ? '(an empty block)' : shownLine(had[index])}\n` +
    `    source gives: ${shownLine(wants[index])}`
  );
}

function shownLine(line: string | undefined): string {
  if (line === undefined) return '(nothing more)';
  return line === '' ? '(a blank line)' : line;
}
