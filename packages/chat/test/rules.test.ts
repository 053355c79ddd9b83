import { describe, expect, it } from 'vitest';
import {
  cleanText,
  explainNameProblem,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  nameKey,
  nameProblem,
  newMessage,
  textProblem,
  withoutControls,
} from '../src/index.js';

describe('name rules', () => {
  it.each([
    ['', 'empty'],
    ['a'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
    ['ann lee', 'has_space'],
    ['ann\u001b[2J', 'has_control'],
    ['/ann', 'starts_with_slash'],
  ] as const)('refuses %j as %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
    expect(explainNameProblem(problem)).toMatch(/name/);
  });

  it('takes a name of 32 code points, a letter outside the BMP counted once', () => {
    // U+20000, a Han ideograph: two UTF-16 units, one character.
    expect(nameProblem('\u{20000}'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
    expect(nameProblem('\u{20000}'.repeat(MAX_NAME_LENGTH + 1))).toBe('too_long');
  });

  // Issue 12: names nobody can fake. Each is refused with the code of @otp-chat/unicode-safety.
  it.each([
    ['\u0430lice', 'mixed_scripts'], // Cyrillic а among Latin letters
    ['ali\u200bce', 'has_invisible'], // zero-width space
    ['\uff41lice', 'has_styled_letter'], // fullwidth a
    ['\u{1d41a}lice', 'has_styled_letter'], // mathematical bold a
    ['\u202eecila', 'has_invisible'], // right-to-left override: shows as "alice"
    ['\u3164', 'has_invisible'], // Hangul filler: shows nothing
    ['\u200b', 'has_invisible'],
    ['___', 'no_letter_or_digit'],
    ['*', 'has_symbol'], // a server notice is "* bob joined"
    ['bob:', 'has_symbol'], // "bob:: hi" reads as bob speaking
    ['[lobby]', 'has_symbol'], // a room prefix
    ['\ud800x', 'lone_surrogate'],
    ['\u0378x', 'unassigned'],
    ['😀', 'has_symbol'],
    ['error', 'reserved'], // "error: you were kicked"
    ['Err0r', 'reserved'],
  ] as const)('refuses %j as %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
    expect(explainNameProblem(problem)).toMatch(/^a name /);
  });

  it.each(['Zoë', 'Дмитрий', '李小龍', 'דני', '田中taro', 'bob_2', 'jean-luc', 'a.b', '42'])(
    'takes %j',
    (name) => {
      expect(nameProblem(name)).toBeUndefined();
    },
  );

  it('keys names that differ in case or in how an accent is encoded alike', () => {
    expect(nameKey('ANNE')).toBe(nameKey('anne'));
    expect(nameKey('Zo\u00e9')).toBe(nameKey('zoe\u0301'));
    expect(nameKey('ann')).not.toBe(nameKey('anne'));
  });

  it('keys names that look alike alike, whatever the script, width or invisible characters', () => {
    for (const fake of ['\u0430lice', 'ali\u200bce', '\uff41lice', '\u{1d41a}lice', 'ALICE']) {
      expect(nameKey(fake)).toBe(nameKey('alice'));
    }
  });
});

describe('text rules', () => {
  it('takes control characters out and refuses blank or too long text', () => {
    expect(withoutControls('hi\u0007 there\r\n')).toBe('hi there');
    expect(textProblem('   ')).toBe('blank');
    expect(textProblem('x'.repeat(MAX_TEXT_LENGTH + 1))).toBe('too_long');
    expect(textProblem('😀'.repeat(MAX_TEXT_LENGTH))).toBeUndefined();
  });

  it("keeps a text's bidi inside it: overrides removed, isolates closed", () => {
    expect(cleanText('\u202e!nwod si revres eht')).toBe('!nwod si revres eht');
    expect(cleanText('\u2067abc')).toBe('\u2067abc\u2069');
    // Right-to-left writers keep their marks.
    expect(cleanText('\u05e9\u05dc\u05d5\u05dd\u200f!')).toBe('\u05e9\u05dc\u05d5\u05dd\u200f!');
    expect(cleanText('a\u001b[2Jb')).toBe('a[2Jb');
  });
});

describe('newMessage', () => {
  it('makes a Message of good input and names what is wrong with bad input', () => {
    const [status, message] = newMessage({ content: 'hi', username: 'ann' });
    expect(status).toBe('ok');
    expect(message).toMatchObject({ content: 'hi', username: 'ann' });
    expect(newMessage('  ')).toEqual(['error', 'empty_content']);
    expect(newMessage(42)).toEqual(['error', 'content_not_a_string']);
  });
});
