/**
 * The rules for user names, which room names follow too.
 *
 * A name is what other people see before every line a user sends, so it must be short, visible
 * and impossible to fake. The rules come from @otp-chat/unicode-safety (see its README): 1 to
 * 32 characters; no spaces, control or invisible characters (a zero-width space or a bidi
 * override makes `alice` out of something else); letters, digits, accents and `_ - .` only, so
 * that `*`, `bob:` or `[lobby]` cannot imitate the server's own lines on telnet; one script per
 * name (no Cyrillic а hiding in `аlice`); not a word the server starts its lines with (`error`).
 * And two names that look alike are one name: `ALICE`, `ａlice` and `аlice` all have the key
 * of `alice`, so the second one to come is told it is taken.
 */
import {
  type NameProblem,
  nameProblem as problemOf,
  reserveNames,
  SERVER_WORDS,
} from '@otp-chat/unicode-safety';

export {
  explainNameProblem,
  lookalikeKey,
  MAX_NAME_LENGTH,
  type NameProblem,
  nameKey,
} from '@otp-chat/unicode-safety';

// #region rules
/** Words nobody may be called: the telnet side starts its own lines with them (`error: ...`). */
const RESERVED = reserveNames(SERVER_WORDS);

/** What is wrong with `name`, or undefined when it is a good name. */
export function nameProblem(name: string): NameProblem | undefined {
  return problemOf(name, { reserved: RESERVED });
}
// #endregion rules
