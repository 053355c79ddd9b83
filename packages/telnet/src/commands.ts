/**
 * Commands: lines that start with `/`. Parsing is a pure function from the line to a tuple, so
 * the connection process only has to act on well-formed commands.
 */
import { safeEcho } from '@otp-chat/chat/rules';

// #region commands
export type Command =
  | readonly ['help']
  | readonly ['join', room: string]
  | readonly ['leave']
  | readonly ['rooms']
  | readonly ['users']
  | readonly ['msg', user: string, text: string]
  | readonly ['quit']
  /** Not a command we know, or one used wrongly: the text says what to do instead. */
  | readonly ['error', message: string];

/** What `/help` prints: each command with what it does. */
export const COMMANDS: ReadonlyArray<readonly [usage: string, what: string]> = [
  ['/join <room>', 'join a room (it is made if new) and talk there; a room you are in: talk there'],
  ['/leave', 'leave the room you talk in; you talk in the room you joined before it'],
  ['/rooms', 'list the rooms, with how many people are in each'],
  ['/users', 'list who is in the room you talk in'],
  ['/msg <user> <text>', 'send a private line to one user'],
  ['/help', 'list the commands'],
  ['/quit', 'leave the chat'],
];

/** Parses a line that starts with `/`. */
export function parseCommand(line: string): Command {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  switch (word.toLowerCase()) {
    case '/help':
      return ['help'];
    case '/join':
      return rest.length === 1 ? ['join', rest[0]!] : usage('/join <room>');
    case '/leave':
      return rest.length === 0 ? ['leave'] : usage('/leave');
    case '/rooms':
      return ['rooms'];
    case '/users':
      return ['users'];
    case '/msg':
      return rest.length >= 2 ? ['msg', rest[0]!, textAfter(line, 2)] : usage('/msg <user> <text>');
    case '/quit':
      return ['quit'];
    default:
      // Quoted safely: the word may hold an escape sequence, or be 4 KB long.
      return ['error', `unknown command ${safeEcho(word)}; /help lists the commands`];
  }
}
// #endregion commands

function usage(form: string): Command {
  return ['error', `usage: ${form}`];
}

/** The line after its first `words` words, spacing inside the text kept as typed. */
export function textAfter(line: string, words: number): string {
  const skip = new RegExp(`^\\s*(?:\\S+\\s+){${words}}`);
  return line.replace(skip, '').trimEnd();
}
