import {
  explainNameProblem,
  foldCase,
  isHighlyRestrictive,
  lookalikeKey,
  MAX_NAME_LENGTH,
  type NameProblem,
  nameKey,
  nameProblem,
  reserveNames,
  SERVER_WORDS,
  scriptsOf,
} from '@otp-chat/unicode-safety';
import { describe, expect, it } from 'vitest';

const EVERY_PROBLEM: readonly NameProblem[] = [
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
  'reserved',
];

describe('the names issue 12 found accepted', () => {
  it.each([
    ['\u0430lice', 'mixed_scripts'], // Cyrillic а among Latin letters
    ['ali\u200bce', 'has_invisible'], // zero-width space
    ['\uff41lice', 'has_styled_letter'], // fullwidth a
    ['\u{1d41a}lice', 'has_styled_letter'], // mathematical bold a
    ['\u202eecila', 'has_invisible'], // right-to-left override: shows as "alice"
    ['\u3164', 'has_invisible'], // Hangul filler: a letter that draws nothing
    ['\u200b', 'has_invisible'],
    ['\u2800', 'has_symbol'], // braille blank
    ['*', 'has_symbol'], // fakes a server notice
    ['bob:', 'has_symbol'], // fakes "bob: ..." on telnet
    ['[lobby]', 'has_symbol'], // fakes a room prefix
    ['-bob', 'bad_start'],
  ])('refuses %j (%s)', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('gives аlice, ａlice, 𝐚lice, ALICE, ali\\u200bce and alice one key', () => {
    const key = nameKey('alice');
    expect(key).toBe('alice');
    for (const name of ['\u0430lice', '\uff41lice', '\u{1d41a}lice', 'ALICE', 'ali\u200bce']) {
      expect(nameKey(name)).toBe(key);
    }
    expect(nameKey('\u202eecila')).not.toBe(key); // "ecila" underneath: refused anyway
    expect(nameKey('alicia')).not.toBe(key);
  });
});

describe('nameProblem', () => {
  it.each([
    ['alice', undefined],
    ['a', undefined],
    ['7', undefined],
    ['x'.repeat(MAX_NAME_LENGTH), undefined],
    ['Zoë', undefined],
    ['Zoe\u0308', undefined], // the same, with the accent as a combining mark
    ['bob_', undefined],
    ['jean-luc.picard', undefined],
    ['Дмитрий', undefined],
    ['Ελένη', undefined],
    ['李小龍', undefined],
    ['田中taro', undefined], // Latin with Han: how Japanese names are often written
    ['すずきsan', undefined],
    ['김minji', undefined],
    ['דני', undefined],
    ['مريم', undefined],
    ['straße', undefined],
    ['', 'empty'],
    ['x'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
    ['é'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
    ['al ice', 'has_space'],
    ['al\tice', 'has_space'],
    ['al\u00a0ice', 'has_space'],
    ['al\u2028ice', 'has_space'],
    ['al\u0000ice', 'has_control'],
    ['al\u001bice', 'has_control'],
    ['al\u0085ice', 'has_control'],
    ['/alice', 'starts_with_slash'],
    ['ali\ud800ce', 'lone_surrogate'],
    ['alice\udc00', 'lone_surrogate'],
    ['al\u00adice', 'has_invisible'], // soft hyphen
    ['\ufeffalice', 'has_invisible'], // byte-order mark, which \s counts as a space
    ['al\u2066ice', 'has_invisible'], // left-to-right isolate
    ['alice\ufe0f', 'has_invisible'], // variation selector
    ['alice\u{e0041}', 'has_invisible'], // tag character
    ['ali\u0378ce', 'unassigned'],
    ['ali\ufdd0ce', 'unassigned'], // a noncharacter
    ['ali\u{10ffff}ce', 'unassigned'],
    ['\ufb01sh', 'has_styled_letter'], // the ﬁ ligature
    ['alice\u00b2', 'has_styled_letter'], // superscript two
    ['ㅋㅋ', 'has_styled_letter'], // compatibility jamo: NFKC turns them into conjoining jamo
    ['😀', 'has_symbol'],
    ['bob!', 'has_symbol'],
    ['a@b', 'has_symbol'],
    ['#room', 'has_symbol'],
    ['<bob>', 'has_symbol'],
    ['al\ue000ice', 'has_symbol'], // private use
    ['_-.', 'no_letter_or_digit'],
    ['\u0301', 'no_letter_or_digit'],
    ['.bob', 'bad_start'],
    ['_bob', 'bad_start'],
    ['\u0301bob', 'bad_start'], // a mark with no letter lands on what is shown before the name
    ['a\u0300\u0301\u0302\u0303\u0304', 'too_many_marks'],
    ['a\u0301\u0301', 'too_many_marks'],
    ['Ꭺlice', 'mixed_scripts'], // Cherokee Ꭺ
    ['pаypal', 'mixed_scripts'],
    ['αlice', 'mixed_scripts'],
  ])('%j: %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('allows four different marks on one letter', () => {
    expect(nameProblem('a\u0300\u0301\u0302\u0303')).toBeUndefined();
  });

  it('has a sentence for every problem', () => {
    const sentences = EVERY_PROBLEM.map(explainNameProblem);
    for (const sentence of sentences) expect(sentence).toMatch(/^a name /);
    expect(new Set(sentences).size).toBe(EVERY_PROBLEM.length);
  });
});

describe('reserved names', () => {
  const reserved = reserveNames(SERVER_WORDS);

  it('refuses the words of server lines, in any case or disguise, when asked to', () => {
    for (const name of ['error', 'ERROR', 'Error', 'err0r', 'Rooms', 'server', 'SERVER']) {
      expect(nameProblem(name, { reserved })).toBe('reserved');
    }
    expect(nameProblem('errors', { reserved })).toBeUndefined();
    expect(nameProblem('error')).toBeUndefined(); // nothing is reserved unless asked
  });

  it('catches a capital I passing for an l in a reserved name', () => {
    const admins = reserveNames(['admin', 'lobby']);
    expect(nameProblem('LOBBY', { reserved: admins })).toBe('reserved');
    expect(nameProblem('IobbY', { reserved: admins })).toBe('reserved'); // capital I for l
    expect(nameProblem('adrnin', { reserved: admins })).toBe('reserved'); // rn for m
    expect(nameProblem('adm1n', { reserved: admins })).toBeUndefined(); // 1 looks like l, not i
  });
});

describe('nameKey', () => {
  it('folds case as Unicode does, not only as toLowerCase does', () => {
    expect(nameKey('STRASSE')).toBe(nameKey('straße'));
    expect(nameKey('ΟΔΟΣ')).toBe(nameKey('οδοσ')); // final sigma and sigma
    expect(nameKey('Zo\u00eb')).toBe(nameKey('ZOE\u0308'));
    expect(foldCase('ＡＢ\u00ad')).toBe('ab');
  });

  it('gives look-alike letters of other scripts the key of the letter they look like', () => {
    expect(nameKey('раураl')).toBe(nameKey('paypal'));
    expect(nameKey('\u03bftt\u03bf')).toBe(nameKey('otto')); // Greek omicron
    expect(nameKey('bob1')).toBe(nameKey('bobl'));
  });

  it('keeps names apart that only look alike in some fonts', () => {
    expect(nameKey('alice')).not.toBe(nameKey('alicе2'));
    expect(nameKey('dani')).not.toBe(nameKey('danl'));
  });

  it('is idempotent on every code point', () => {
    const failures: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const key = nameKey(String.fromCodePoint(codePoint));
      if (nameKey(key) !== key) failures.push(codePoint.toString(16));
    }
    expect(failures).toEqual([]);
  });
});

describe('lookalikeKey', () => {
  it('catches a capital I passing for an l, which folding case first hides', () => {
    expect(nameKey('AIice')).not.toBe(nameKey('Alice'));
    expect(lookalikeKey('AIice')).toBe(lookalikeKey('Alice'));
    expect(lookalikeKey('Ꭺlice')).toBe(lookalikeKey('alice'));
    // Greek capitals look like Latin ones; their small letters (αβε) do not look like abe.
    expect(nameKey('ΑΒΕ')).not.toBe(nameKey('ABE'));
    expect(lookalikeKey('ΑΒΕ')).toBe(lookalikeKey('ABE'));
  });
});

describe('scripts', () => {
  it('knows the scripts of a character, and that digits and most marks belong to all', () => {
    expect([...scriptsOf('a')!]).toEqual(['Latin']);
    expect([...scriptsOf('\u0430')!]).toEqual(['Cyrillic']);
    expect(scriptsOf('7')).toBeUndefined();
    expect(scriptsOf('\u0327')).toBeUndefined(); // combining cedilla: Inherited
    // Since Unicode 16 the acute accent lists the scripts it is used with.
    expect(scriptsOf('\u0301')).toEqual(
      new Set(['Cherokee', 'Cyrillic', 'Greek', 'Latin', 'Osage', 'Sunuwar', 'Tai_Le', 'Todhri']),
    );
    // The Japanese prolonged sound mark belongs to Hiragana and Katakana both.
    expect(scriptsOf('\u30fc')).toEqual(new Set(['Hiragana', 'Katakana']));
  });

  it('accepts one script, or Latin with Chinese, Japanese or Korean scripts', () => {
    expect(isHighlyRestrictive('alice42')).toBe(true);
    expect(isHighlyRestrictive('ひらがなカタカナ漢字abc')).toBe(true);
    expect(isHighlyRestrictive('注音ㄅㄆabc')).toBe(true);
    expect(isHighlyRestrictive('한글漢字abc')).toBe(true);
    expect(isHighlyRestrictive('한글ひらがな')).toBe(false);
    expect(isHighlyRestrictive('abcабв')).toBe(false);
    expect(isHighlyRestrictive('abcαβγ')).toBe(false);
    expect(isHighlyRestrictive('')).toBe(true);
  });
});
