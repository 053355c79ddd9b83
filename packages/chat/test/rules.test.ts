import { describe, expect, it } from 'vitest';
import {
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

  it('takes a name of 32 code points, emoji counted once', () => {
    expect(nameProblem('😀'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
  });

  it('keys names that differ in case or in how an accent is encoded alike', () => {
    expect(nameKey('ANNE')).toBe(nameKey('anne'));
    expect(nameKey('Zo\u00e9')).toBe(nameKey('zoe\u0301'));
    expect(nameKey('ann')).not.toBe(nameKey('anne'));
  });
});

describe('text rules', () => {
  it('takes control characters out and refuses blank or too long text', () => {
    expect(withoutControls('hi\u0007 there\r\n')).toBe('hi there');
    expect(textProblem('   ')).toBe('blank');
    expect(textProblem('x'.repeat(MAX_TEXT_LENGTH + 1))).toBe('too_long');
    expect(textProblem('😀'.repeat(MAX_TEXT_LENGTH))).toBeUndefined();
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
