import { describe, expect, it } from 'vitest';
import type { StepUnderTest } from '../step.ts';

// How a telnet line becomes a command, as the step's `parseCommand` reads it.
export function commandParsing(step: StepUnderTest): void {
  const { parseCommand } = step;

  describe('commands', () => {
    it.each([
      ['/help', ['help']],
      ['/HELP', ['help']],
      ['/join games', ['join', 'games']],
      ['  /join   games  ', ['join', 'games']],
      ['/leave', ['leave']],
      ['/rooms', ['rooms']],
      ['/users', ['users']],
      ['/quit', ['quit']],
      ['/msg bob  hello   there ', ['msg', 'bob', 'hello   there']],
      ['/join', ['error', 'usage: /join <room>']],
      ['/join a b', ['error', 'usage: /join <room>']],
      ['/leave now', ['error', 'usage: /leave']],
      ['/msg bob', ['error', 'usage: /msg <user> <text>']],
      ['/shrug', ['error', 'unknown command /shrug; /help lists the commands']],
      ['/', ['error', 'unknown command /; /help lists the commands']],
      ['/\u001b[2J', ['error', 'unknown command /\\x1b[2J; /help lists the commands']],
    ])('%j', (line, command) => {
      expect(parseCommand(line)).toEqual(command);
    });
  });
}
