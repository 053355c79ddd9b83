/**
 * Names nobody can fake.
 *
 * A name is shown before every line its owner sends and in every list of members, so another
 * user must not be able to pick one that looks the same (`аlice` with a Cyrillic а beside
 * `alice`), one that looks like something else (`*`, `bob:`, `[lobby]` imitate the server's
 * own lines on telnet), or one that shows nothing at all. Two defences, both needed:
 * - `nameProblem` refuses what no name needs: invisible and format characters, unassigned code
 *   points, punctuation beyond `_ - .` inside the name, styled letters, piles of accents,
 *   and letters of two scripts (Latin with Cyrillic) in one name;
 * - `nameKey` is what a name is unique under: names that differ only in case, width, style or
 *   by look-alike letters from other scripts have the same key, so the second one is taken.
 */
import { isHighlyRestrictive } from './scripts.ts';
import { skeleton } from './skeleton.ts';

// #region rules
export const MAX_NAME_LENGTH = 32;
/** UTS #39 section 5.4 suggests refusing more than four nonspacing marks in a row. */
export const MAX_MARKS_IN_A_ROW = 4;

/**
 * What is wrong with a name. The first five are the codes the chat steps already use; a
 * server answers every one of them with its INVALID_USERNAME (or INVALID_ROOM) error.
 */
export type NameProblem =
  | 'empty'
  | 'too_long'
  | 'has_space'
  | 'has_control'
  | 'starts_with_slash'
  | 'lone_surrogate'
  | 'has_invisible'
  | 'unassigned'
  | 'has_styled_letter'
  | 'has_symbol'
  | 'no_letter_or_digit'
  | 'bad_start'
  | 'too_many_marks'
  | 'mixed_scripts'
  | 'reserved';

/** Options of nameProblem. */
export interface NameRules {
  /** Names nobody may take, as `reserveNames` gives them: a name whose key is among them is. */
  readonly reserved?: ReservedNames;
}

/**
 * The keys of reserved names, built once with `reserveNames`. A distinct type, so that a set of
 * the names themselves (which would let `ERROR` through) cannot be passed by mistake.
 */
export type ReservedNames = ReadonlySet<string> & { readonly __reserved: true };

/**
 * The words a telnet user sees at the start of the server's own lines (`error: ...`,
 * `Rooms: ...`, `[private] bob: ...`): a user named `error` saying "you were kicked" shows as
 * `error: you were kicked`. A suggestion for `reserveNames`; a server adds its own words.
 */
export const SERVER_WORDS: readonly string[] = ['error', 'usage', 'rooms', 'private', 'server'];

/** The reserved-name set for nameProblem: each name under both of its keys. */
export function reserveNames(names: Iterable<string>): ReservedNames {
  const keys = new Set<string>();
  for (const name of names) {
    keys.add(nameKey(name));
    keys.add(lookalikeKey(name));
  }
  return keys as Set<string> & ReservedNames;
}

const LONE_SURROGATE = /\p{Cs}/u;
const SPACE = /[\s\p{Z}]/u;
const CONTROL = /\p{Cc}/u;
// Format characters (zero-width space and joiners, bidi controls) and the other characters
// Unicode says to draw as nothing (Hangul fillers, variation selectors): a name holding them
// looks like another name, or like no name at all.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const UNASSIGNED = /\p{Cn}/u;
// Everything a name may hold: letters, combining marks, decimal digits and three punctuation
// characters no server line starts with or ends on. Everything else (`* : [ ] < > @ #`,
// symbols, emoji, private-use characters) is refused.
const ALLOWED = /^[\p{L}\p{M}\p{Nd}_.-]*$/u;
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;
const STARTS_WITH_LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]/u;
const MARK = /\p{Mn}/u;

/** What is wrong with `name`, or undefined when it is a good name. */
export function nameProblem(name: string, rules: NameRules = {}): NameProblem | undefined {
  if (name.length === 0) return 'empty';
  // Characters as people count them (code points), not UTF-16 units: an emoji counts once.
  // Cheap first: a name that is short in UTF-16 units is short in code points too.
  if (name.length > MAX_NAME_LENGTH && codePointCount(name) > MAX_NAME_LENGTH) return 'too_long';
  if (LONE_SURROGATE.test(name)) return 'lone_surrogate';
  // Before spaces: JavaScript's \s counts U+FEFF, an invisible byte-order mark, as a space.
  if (INVISIBLE.test(name)) return 'has_invisible';
  if (SPACE.test(name)) return 'has_space';
  if (CONTROL.test(name)) return 'has_control';
  if (name.startsWith('/')) return 'starts_with_slash';
  if (UNASSIGNED.test(name)) return 'unassigned';
  // 𝐚 (mathematical bold), ａ (fullwidth), ﬁ (ligature), ² (superscript): the plain letter
  // exists and the key folds them to it anyway, so a name cannot pass for its plain twin.
  if (name.normalize('NFC') !== name.normalize('NFKC')) return 'has_styled_letter';
  if (!ALLOWED.test(name)) return 'has_symbol';
  if (!LETTER_OR_DIGIT.test(name)) return 'no_letter_or_digit';
  // A leading `-`, `.` or `_` looks like a list item or a server line; a leading mark has no
  // letter to sit on and lands on whatever the screen shows before the name.
  if (!STARTS_WITH_LETTER_OR_DIGIT.test(name)) return 'bad_start';
  if (hasTooManyMarks(name)) return 'too_many_marks';
  if (!isHighlyRestrictive(name)) return 'mixed_scripts';
  if (rules.reserved !== undefined && isReserved(name, rules.reserved)) return 'reserved';
  return undefined;
}

function isReserved(name: string, reserved: ReservedNames): boolean {
  return reserved.has(nameKey(name)) || reserved.has(lookalikeKey(name));
}

/**
 * The key a name is unique under. Two names have the same key when they differ only in case
 * (`ALICE`), in width or style (`ａlice`, `𝐚lice`), in invisible characters (`ali\u200bce`), or
 * by letters that look alike (`аlice` with a Cyrillic а): all of those have the key of `alice`.
 *
 * It is the UTS #39 skeleton of the name case-folded in NFKC, repeated until it settles, since
 * a skeleton may hold capitals (`Ꭺ` Cherokee becomes `A`) that fold again. Never shown to users.
 */
export function nameKey(name: string): string {
  let key = name;
  for (let round = 0; round < 8; round++) {
    const next = skeleton(foldCase(key));
    if (next === key) break;
    key = next;
  }
  return key;
}

/**
 * A second key that catches look-alikes the case fold hides: `AIice` with a capital I looks
 * like `Alice`, but folding first makes it `aiice`. This key takes the skeleton before folding
 * (`AIice` → `Alice` → `alice`), as ergo does. A server that wants both registers a name
 * under both keys and refuses it when either is taken; the price is a few false alarms
 * (`ALICE` and `allce` share this key, since the skeleton of `I` is `l`).
 */
export function lookalikeKey(name: string): string {
  return nameKey(skeleton(name));
}
// #endregion rules

/** A sentence for the user about what is wrong. */
export function explainNameProblem(problem: NameProblem): string {
  switch (problem) {
    case 'empty':
      return 'a name needs at least one character';
    case 'too_long':
      return `a name has at most ${MAX_NAME_LENGTH} characters`;
    case 'has_space':
      return 'a name cannot contain spaces';
    case 'has_control':
      return 'a name cannot contain control characters';
    case 'starts_with_slash':
      return 'a name cannot start with /';
    case 'lone_surrogate':
      return 'a name must be valid Unicode text';
    case 'has_invisible':
      return 'a name cannot contain invisible or formatting characters';
    case 'unassigned':
      return 'a name cannot contain characters Unicode has not assigned';
    case 'has_styled_letter':
      return 'a name cannot use styled, wide or combined forms of letters: type the plain letter';
    case 'has_symbol':
      return 'a name holds letters, digits, accents and _ - . only';
    case 'no_letter_or_digit':
      return 'a name needs at least one letter or digit';
    case 'bad_start':
      return 'a name starts with a letter or a digit';
    case 'too_many_marks':
      return `a name has at most ${MAX_MARKS_IN_A_ROW} accents on one letter, each different`;
    case 'mixed_scripts':
      return 'a name is written in one script (Latin may mix with Chinese, Japanese or Korean)';
    case 'reserved':
      return 'a name cannot be, or look like, a word the server uses';
  }
}

/**
 * Case folding as JavaScript can do it: NFKC (width, styles, ligatures), then upper case and
 * back (`ß` → `SS` → `ss`; a Greek final `ς` and `σ` end up alike), and without the characters
 * Unicode says to ignore. Like Unicode's NFKC_Casefold, with the language-neutral mappings.
 */
export function foldCase(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .replace(IGNORABLE, '')
    .normalize('NFKC');
}

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** More than MAX_MARKS_IN_A_ROW nonspacing marks in a row, or the same one twice (UTS #39). */
function hasTooManyMarks(name: string): boolean {
  let run = 0;
  let previous = '';
  for (const char of name.normalize('NFD')) {
    if (!MARK.test(char)) {
      run = 0;
      previous = '';
      continue;
    }
    if (++run > MAX_MARKS_IN_A_ROW || char === previous) return true;
    previous = char;
  }
  return false;
}
