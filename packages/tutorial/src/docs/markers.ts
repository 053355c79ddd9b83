import { scanLines } from './markdown.ts';

// The generated parts of a document: an opener comment, the generated block, a closer.
//   <!-- include: steps/01-x/src/loop.ts#loop -->  ...  <!-- /include -->
// Markers count only on a line of their own outside code, so docs can show them in examples.

export const MARKER_KINDS = ['include', 'transcript', 'diff', 'toc'] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

export interface Marker {
  kind: MarkerKind;
  /** What follows the colon: a file, file#region, script or step ('' for toc). */
  arg: string;
  /** Line of the opener; the generated block is the lines strictly between it and the closer. */
  line: number;
  closeLine: number;
}

export interface MarkerScan {
  markers: Marker[];
  problems: string[];
}

const OPENER = /^<!--\s*(include|transcript|diff|toc)\s*(?::\s*(.*?))?\s*-->\s*$/;
const CLOSER = /^<!--\s*\/(include|transcript|diff|toc)\s*-->\s*$/;

export function findMarkers(text: string): MarkerScan {
  const lines = scanLines(text).filter((l) => l.role === 'prose');
  const markers: Marker[] = [];
  const problems: string[] = [];
  let open: Omit<Marker, 'closeLine'> | undefined;
  for (const line of lines) {
    const opener = line.text.match(OPENER);
    const closer = line.text.match(CLOSER);
    if (opener) {
      if (open) problems.push(unclosed(open));
      open = { kind: opener[1] as MarkerKind, arg: opener[2] ?? '', line: line.number };
    } else if (closer) {
      if (open && open.kind === closer[1]) markers.push({ ...open, closeLine: line.number });
      else
        problems.push(`line ${line.number}: <!-- /${closer[1]} --> closes no ${closer[1]} marker`);
      open = undefined;
    }
  }
  if (open) problems.push(unclosed(open));
  return { markers, problems };
}

function unclosed(marker: Omit<Marker, 'closeLine'>): string {
  return `line ${marker.line}: <!-- ${marker.kind}${marker.arg ? `: ${marker.arg}` : ''} --> has no <!-- /${marker.kind} --> closer`;
}

export function describeMarker(marker: Pick<Marker, 'kind' | 'arg'>): string {
  return marker.arg ? `${marker.kind} of ${marker.arg}` : marker.kind;
}
