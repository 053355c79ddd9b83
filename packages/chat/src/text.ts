/**
 * The rules for what people say, the same whichever way they connect.
 *
 * Text is shown on other people's terminals as well as in browsers, so control characters are
 * taken out before anything else: an escape sequence could rewrite a telnet user's screen, and
 * a line break could make one message look like two, the second one "said" by someone else.
 * Bidi overrides are neutralised next: a right-to-left override would reverse the rest of the
 * line on a terminal, so that `bob: ` followed by reversed text reads as something bob never
 * wrote (see neutraliseBidi in @otp-chat/unicode-safety). What is left must not be blank, and
 * is at most 2000 characters (code points, as people count them: an emoji counts once).
 */
import { neutraliseBidi } from '@otp-chat/unicode-safety';

/** How an error quotes what a client sent: at most 64 characters, controls written as escapes. */
export { safeEcho } from '@otp-chat/unicode-safety';

// #region rules
export const MAX_TEXT_LENGTH = 2000;

/** What is wrong with a text. */
export type TextProblem = 'blank' | 'too_long';

const HAS_CONTROL = /\p{Cc}/u;
const CONTROLS = /\p{Cc}/gu;

/** The text without control characters. */
export function withoutControls(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROLS, '') : text;
}

/** The text as it is said: without control characters, its bidi kept inside it. */
export function cleanText(text: string): string {
  return neutraliseBidi(withoutControls(text));
}

/**
 * What is wrong with `text` (controls already taken out), or undefined when it may be said.
 * `maxLength` is in code points.
 */
export function textProblem(text: string, maxLength = MAX_TEXT_LENGTH): TextProblem | undefined {
  if (text.trim() === '') return 'blank';
  // Cheap first: fewer UTF-16 units than the limit means fewer code points too.
  if (text.length > maxLength && [...text].length > maxLength) return 'too_long';
  return undefined;
}
// #endregion rules

/** A sentence for the user about what is wrong. */
export function explainTextProblem(problem: TextProblem): string {
  return problem === 'blank'
    ? 'a message needs some text'
    : `a message has at most ${MAX_TEXT_LENGTH} characters`;
}
