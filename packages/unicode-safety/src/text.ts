/**
 * Text that cannot fake lines.
 *
 * What people say is shown on other people's terminals. The chat steps already take control
 * characters out of it; two more things are needed:
 * - `neutraliseBidi`: a right-to-left override (U+202E) at the start of a message reverses
 *   everything after it on a terminal that does bidi, up to the end of the line, so `bob: hi`
 *   could be made to end with words bob never sent. Overrides and embeddings go, isolates are
 *   closed at the end of the text, so whatever a text does stays inside it;
 * - `safeEcho`: an error reply that quotes what was sent must not send the same control bytes
 *   back (an escape sequence sent to yourself is harmless, but an error line is also logged and
 *   may be relayed), and must not grow with the input.
 */

// #region bidi
/** LRE, RLE, PDF, LRO, RLO: embeddings and overrides, which act until a PDF or the line's end. */
const EMBEDDINGS_AND_OVERRIDES = /[\u202A-\u202E]/gu;
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']); // LRI, RLI, FSI
const ISOLATE_CLOSER = '\u2069'; // PDI
const ANY_EXPLICIT_BIDI = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * `text` without bidi embeddings and overrides, and with its isolates balanced: a PDI that
 * closes nothing is dropped, an isolate left open is closed at the end. The implicit marks
 * (LRM, RLM, ALM) stay: they act on their neighbours only, and right-to-left writers need them.
 */
export function neutraliseBidi(text: string): string {
  if (!ANY_EXPLICIT_BIDI.test(text)) return text;
  let out = '';
  let open = 0;
  for (const char of text.replace(EMBEDDINGS_AND_OVERRIDES, '')) {
    if (ISOLATE_OPENERS.has(char)) open++;
    else if (char === ISOLATE_CLOSER) {
      if (open === 0) continue;
      open--;
    }
    out += char;
  }
  return out + ISOLATE_CLOSER.repeat(open);
}
// #endregion bidi

// #region echo
/** How many characters of the input an error reply quotes at most. */
export const MAX_ECHO_LENGTH = 64;

// Shown as escapes: controls (C0, DEL, C1), format characters (bidi, zero-width), line and
// paragraph separators, lone surrogates, unassigned and private-use code points, and the
// characters Unicode says to draw as nothing. Nothing of what is echoed can move the cursor,
// change colours, reorder the line, or hide.
const NEEDS_ESCAPE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}\p{Co}\p{Default_Ignorable_Code_Point}]/u;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\\': '\\\\',
};

/**
 * `input` fit to quote in an error reply: at most `max` characters of it (then `…`), every
 * character that could act on a terminal written as an escape (`\x1b`, `\u{202E}`), and `\`
 * itself as `\\`, so that what is shown can be read back exactly. Escapes rather than control
 * pictures (␛): a picture cannot be told apart from the same picture typed on purpose.
 */
export function safeEcho(input: string, max = MAX_ECHO_LENGTH): string {
  let out = '';
  let count = 0;
  for (const char of input) {
    if (count++ === max) return `${out}…`;
    out += escapeChar(char);
  }
  return out;
}

function escapeChar(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  if (!NEEDS_ESCAPE.test(char)) return char;
  const codePoint = char.codePointAt(0)!;
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint < 0x100 ? `\\x${hex.padStart(2, '0').toLowerCase()}` : `\\u{${hex}}`;
}
// #endregion echo
