/**
 * The rules for user names, which room names follow too.
 *
 * A name is what other people see before every line a user sends, so it must be short, visible
 * and unambiguous: 1 to 32 characters, no spaces, no control characters (a name with an escape
 * sequence in it could rewrite other people's screens), and not starting with `/`, which is how
 * commands start. Two users may not have names that differ only in case.
 */

// #region rules
export const MAX_NAME_LENGTH = 32;

/** What is wrong with a name. */
export type NameProblem = 'empty' | 'too_long' | 'has_space' | 'has_control' | 'starts_with_slash';

const SPACE = /\s/u;
const CONTROL = /\p{Cc}/u;

/** What is wrong with `name`, or undefined when it is a good name. */
export function nameProblem(name: string): NameProblem | undefined {
  if (name.length === 0) return 'empty';
  // Characters as people count them (code points), not UTF-16 units: an emoji counts once.
  let length = 0;
  for (const _ of name) length++;
  if (length > MAX_NAME_LENGTH) return 'too_long';
  if (SPACE.test(name)) return 'has_space';
  if (CONTROL.test(name)) return 'has_control';
  if (name.startsWith('/')) return 'starts_with_slash';
  return undefined;
}

/**
 * The key a name is unique under: names that differ only in case, or only in how an accented
 * letter is encoded (é as one code point or as e + accent), have the same key.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
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
  }
}
