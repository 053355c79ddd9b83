import { readFileSync } from 'node:fs';
import {
  CONFUSABLES_COUNT,
  CONFUSABLES_VERSION,
  confusableTable,
  decodeTable,
  prototypeOf,
  skeleton,
} from '@otp-chat/unicode-safety';
import { describe, expect, it } from 'vitest';
import {
  closeMappings,
  encodeTable,
  literal,
  parseConfusables,
} from '../scripts/confusables_format.ts';

/** A few lines in the format of confusables.txt: a two-step chain, a TAB, a quote, astral code points. */
const SAMPLE = readFileSync(new URL('./fixtures/confusables-sample.txt', import.meta.url), 'utf8');

describe('the generated table', () => {
  it('is made from the confusables.txt of the Unicode version Node uses', () => {
    const [major, minor] = (process.versions.unicode ?? '').split('.');
    // When this fails, Node's ICU moved on: regenerate the table (see the README).
    expect(CONFUSABLES_VERSION.split('.').slice(0, 2)).toEqual([major, minor]);
  });

  it('decodes to every mapping, sorted, each with a prototype', () => {
    const table = confusableTable();
    expect(table.sources.length).toBe(CONFUSABLES_COUNT);
    const unsorted = table.sources.filter((source, i) => i > 0 && source <= table.sources[i - 1]!);
    const empty = table.sources.filter((_, i) => table.starts[i + 1]! <= table.starts[i]!);
    expect(unsorted.length).toBe(0);
    expect(empty.length).toBe(0);
    expect(table.starts[table.sources.length]).toBe(table.text.length);
  });

  it('maps what the Unicode data maps', () => {
    expect(prototypeOf(0x0430)).toBe('a'); // Cyrillic а
    expect(prototypeOf(0x006d)).toBe('rn'); // m
    expect(prototypeOf(0x0030)).toBe('O'); // 0
    expect(prototypeOf(0x0031)).toBe('l'); // 1
    expect(prototypeOf(0x0049)).toBe('l'); // capital I
    expect(prototypeOf(0x1d41a)).toBe('a'); // mathematical bold a
    expect(prototypeOf(0x0061)).toBeUndefined(); // a is its own prototype
    expect(prototypeOf(0x10ffff)).toBeUndefined();
  });
});

describe('skeleton', () => {
  it('gives look-alikes from other scripts and styles one skeleton', () => {
    const alice = skeleton('alice');
    expect(alice).toBe('alice');
    expect(skeleton('\u0430lice')).toBe(alice); // Cyrillic а
    expect(skeleton('\u{1d41a}lice')).toBe(alice); // mathematical bold a
    expect(skeleton('\uff41lice')).toBe(alice); // fullwidth a
    expect(skeleton('раураl')).toBe(skeleton('paypal')); // Cyrillic р, а, у
    expect(skeleton('paypal')).not.toBe(skeleton('paypa1x'));
  });

  it('keeps case: folding it is the name key’s job', () => {
    expect(skeleton('ALICE')).not.toBe(skeleton('alice'));
  });

  it('gives Ǆ and DŽ typed as two letters the same skeleton (the table is closed)', () => {
    expect(skeleton('\u01c4')).toBe(skeleton('D\u017d'));
    expect(skeleton('\u01c4')).toBe('DZ\u0306');
  });

  it('is idempotent on every code point', () => {
    const failures: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const once = skeleton(String.fromCodePoint(codePoint));
      if (skeleton(once) !== once) failures.push(codePoint.toString(16));
    }
    expect(failures).toEqual([]);
  });

  it('leaves lone surrogates as they are instead of throwing', () => {
    expect(skeleton('\ud800a')).toBe('\ud800a');
    expect(skeleton('a\udfff')).toBe('a\udfff');
  });
});

describe('the table format', () => {
  const sample = parseConfusables(SAMPLE);

  it('reads the version, the date and every mapping, sorted', () => {
    expect(sample.version).toBe('17.0.0');
    expect(sample.date).toBe('2025-07-22, 05:49:37 GMT');
    expect(sample.entries.map(([source]) => source)).toEqual([
      0x6d, 0x1c4, 0x30c, 0x430, 0xd000, 0x19000, 0x1f16d,
    ]);
  });

  it('refuses a file without a version, a malformed line, or a code point mapped twice', () => {
    expect(() => parseConfusables(SAMPLE.replace('# Version: 17.0.0\n', ''))).toThrow(/Version/);
    expect(() => parseConfusables(`${SAMPLE}0430 ; 0061 MA\n`)).toThrow(/not a mapping/);
    expect(() => parseConfusables(`${SAMPLE}${SAMPLE.split('\n')[4]}\n`)).toThrow(/twice/);
  });

  it('takes every prototype to its fixed point, and says how many moved', () => {
    const { entries, changed } = closeMappings(sample.entries);
    const ligature = entries.find(([source]) => source === 0x1c4)!;
    // D, Z, caron → D, Z, breve: the caron has a prototype of its own.
    expect(ligature[1]).toEqual([0x44, 0x5a, 0x306]);
    expect(changed).toBe(1);
  });

  it('decodes to what was encoded, astral code points and control characters included', () => {
    const { entries } = closeMappings(sample.entries);
    const encoded = encodeTable(entries);
    const table = decodeTable(encoded.sources, encoded.lengths, encoded.prototypes);
    for (const [source, prototype] of entries) {
      expect(prototypeOf(source, table)).toBe(String.fromCodePoint(...prototype));
    }
    expect(prototypeOf(0x61, table)).toBeUndefined();
    expect(skeleton('\u0430m', table)).toBe('arn');
  });

  it('writes source code that evaluates to the same strings', () => {
    const { entries } = closeMappings(sample.entries);
    const encoded = encodeTable(entries);
    for (const text of [encoded.sources, encoded.lengths, encoded.prototypes, 'x'.repeat(200)]) {
      const source = literal(text);
      expect(source).toMatch(/^\[\n( {2}'[ -~]*',\n)+\]\.join\(''\)$/);
      expect(new Function(`return ${source}`)()).toBe(text);
    }
  });

  it('refuses to encode a gap between sources that one UTF-16 unit cannot hold', () => {
    expect(() => encodeTable([[0x10000, [0x61]]])).toThrow(/does not fit/);
  });

  it('refuses a table whose parts do not agree', () => {
    expect(() => decodeTable('!!', '1', 'a')).toThrow(/as many/);
    expect(() => decodeTable('!', '2', 'a')).toThrow(/add up/);
  });
});
