// Properties over random strings. The generator is seeded: a failure names its seed and input,
// and rerunning gives the same strings.
import {
  confusableTable,
  isHighlyRestrictive,
  lookalikeKey,
  MAX_ECHO_LENGTH,
  type NameProblem,
  nameKey,
  nameProblem,
  neutraliseBidi,
  safeEcho,
  skeleton,
} from '@otp-chat/unicode-safety';
import { describe, expect, it } from 'vitest';

const SEED = 0x5eed12;
const RUNS = 4000;

/** mulberry32: small, fast, and the same on every platform. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random strings, weighted towards what breaks things: ASCII, look-alikes from the confusables
 * table, marks, bidi and format characters, lone surrogates, and any code point at all.
 */
function strings(seed: number): () => string {
  const next = random(seed);
  const pick = (max: number) => Math.floor(next() * max);
  const sources = confusableTable().sources;
  const special = [0x200b, 0x200d, 0x202a, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200f, 0xfeff];
  const codeUnit = (): string => {
    const kind = pick(8);
    if (kind === 0) return String.fromCharCode(0x20 + pick(0x5f));
    if (kind === 1) return String.fromCodePoint(sources[pick(sources.length)]!);
    if (kind === 2) return String.fromCodePoint(0x300 + pick(0x70)); // combining marks
    if (kind === 3) return String.fromCodePoint(special[pick(special.length)]!);
    if (kind === 4) return String.fromCharCode(0xd800 + pick(0x800)); // a lone surrogate half
    if (kind === 5) return String.fromCodePoint(0x61 + pick(26));
    if (kind === 6) return String.fromCodePoint(pick(0x3000));
    return String.fromCodePoint(pick(0x110000));
  };
  return () => {
    let text = '';
    for (let length = pick(40); length > 0; length--) text += codeUnit();
    return text;
  };
}

/** Runs `check` on RUNS random strings; a failure says which string. */
function forAll(check: (text: string) => void, seed = SEED): void {
  const next = strings(seed);
  for (let run = 0; run < RUNS; run++) {
    const text = next();
    try {
      check(text);
    } catch (error) {
      throw new Error(`seed ${seed}, run ${run}, input ${JSON.stringify(text)}: ${error}`);
    }
  }
}

const PROBLEMS = new Set<NameProblem | undefined>([
  undefined,
  'empty',
  'too_long',
  'has_space',
  'has_control',
  'starts_with_slash',
  'lone_surrogate',
  'has_invisible',
  'unassigned',
  'has_styled_letter',
  'has_symbol',
  'no_letter_or_digit',
  'bad_start',
  'too_many_marks',
  'mixed_scripts',
]);

describe('on random strings', () => {
  it('skeleton and nameKey never throw and are idempotent', () => {
    forAll((text) => {
      const once = skeleton(text);
      expect(skeleton(once)).toBe(once);
      const key = nameKey(text);
      expect(nameKey(key)).toBe(key);
      const lookalike = lookalikeKey(text);
      expect(lookalikeKey(lookalike)).toBe(lookalike);
    });
  });

  it('nameKey does not care how accents are encoded, nor about case', () => {
    forAll((text) => {
      const key = nameKey(text);
      expect(nameKey(text.normalize('NFD'))).toBe(key);
      expect(nameKey(text.normalize('NFC'))).toBe(key);
      // Upper case of normalized text: U+0345, a combining mark, upper-cases to a letter (Ι), so
      // upper-casing marks out of canonical order gives another string, not another case.
      expect(nameKey(text.normalize('NFC').toUpperCase())).toBe(key);
      expect(nameKey(text.normalize('NFD').toLowerCase())).toBe(key);
    }, SEED + 1);
  });

  it('nameProblem answers a known code, and what it accepts is safe to show', () => {
    let accepted = 0;
    const check = (text: string) => {
      const problem = nameProblem(text);
      expect(PROBLEMS.has(problem)).toBe(true);
      if (problem !== undefined) return;
      accepted++;
      expect(text).not.toMatch(/[\p{C}\p{Z}\p{S}\p{Default_Ignorable_Code_Point}]/u);
      expect(text).toMatch(/^[\p{L}\p{Nd}]/u);
      expect(text.normalize('NFKC')).toBe(text.normalize('NFC'));
      expect(isHighlyRestrictive(text)).toBe(true);
    };
    forAll(check, SEED + 2);
    // Random strings are rarely good names; short Latin ones with a mark often are.
    const next = random(SEED + 3);
    for (let run = 0; run < RUNS; run++) {
      let name = String.fromCodePoint(0x61 + Math.floor(next() * 26));
      for (let i = Math.floor(next() * 8); i > 0; i--) {
        const r = next();
        name += String.fromCodePoint(
          r < 0.7
            ? 0x61 + Math.floor(r * 37)
            : r < 0.8
              ? 0x30 + Math.floor(r * 9)
              : 0x300 + (i % 5),
        );
      }
      check(name);
    }
    expect(accepted).toBeGreaterThan(RUNS / 2);
  });

  it('neutraliseBidi leaves no override and no open isolate, and changes nothing else', () => {
    const controls = /[\u202a-\u202e\u2066-\u2069]/gu;
    forAll((text) => {
      const out = neutraliseBidi(text);
      expect(out).not.toMatch(/[\u202a-\u202e]/u);
      let depth = 0;
      for (const char of out) {
        if (char >= '\u2066' && char <= '\u2068') depth++;
        if (char === '\u2069') depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
      expect(out.replace(controls, '')).toBe(text.replace(controls, ''));
      expect(neutraliseBidi(out)).toBe(out);
    }, SEED + 4);
  });

  it('safeEcho sends back nothing that acts on a terminal, and stays short', () => {
    forAll((text) => {
      const out = safeEcho(text);
      expect(out).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Co}\p{Zl}\p{Zp}]/u);
      expect(out.length).toBeLessThanOrEqual(MAX_ECHO_LENGTH * 10 + 1);
    }, SEED + 5);
  });
});
