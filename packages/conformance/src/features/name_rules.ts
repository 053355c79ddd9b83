import { describe, expect, it } from 'vitest';
import type { StepUnderTest } from '../step.ts';

// The rules for names, as the pure functions a step exports: what is refused, why, and which
// names count as the same.
export function nameRules(step: StepUnderTest): void {
  const { explainNameProblem, MAX_NAME_LENGTH, nameKey, nameProblem } = step;

  describe('name rules', () => {
    it.each([
      ['alice', undefined],
      ['a', undefined],
      ['x'.repeat(MAX_NAME_LENGTH), undefined],
      ['Zoë', undefined],
      ['😀'.repeat(MAX_NAME_LENGTH), undefined],
      ['', 'empty'],
      ['x'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
      ['😀'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
      ['al ice', 'has_space'],
      ['al\tice', 'has_space'],
      ['al\u00a0ice', 'has_space'],
      ['al\u0000ice', 'has_control'],
      ['al\u001bice', 'has_control'],
      ['/alice', 'starts_with_slash'],
    ])('%j: %s', (name, problem) => {
      expect(nameProblem(name)).toBe(problem);
    });

    it('has a sentence for every problem', () => {
      for (const problem of [
        'empty',
        'too_long',
        'has_space',
        'has_control',
        'starts_with_slash',
      ] as const) {
        expect(explainNameProblem(problem)).toMatch(/^a name /);
      }
    });

    it('gives names that differ only in case or in how an accent is encoded the same key', () => {
      expect(nameKey('Alice')).toBe(nameKey('aLICE'));
      expect(nameKey('Zo\u00eb')).toBe(nameKey('Zoe\u0308'));
      expect(nameKey('alice')).not.toBe(nameKey('alicia'));
    });
  });
}
