import { MAX_ECHO_LENGTH, neutraliseBidi, safeEcho } from '@otp-chat/unicode-safety';
import { describe, expect, it } from 'vitest';

const RLO = '\u202e';
const LRE = '\u202a';
const PDF = '\u202c';
const RLI = '\u2067';
const FSI = '\u2068';
const PDI = '\u2069';
const RLM = '\u200f';

describe('neutraliseBidi', () => {
  it('leaves text without bidi controls as it is, right-to-left letters included', () => {
    for (const text of ['hello', 'שלום world', `a${RLM}b`, '']) {
      expect(neutraliseBidi(text)).toBe(text);
    }
  });

  it('takes out the override that would reverse the rest of a telnet line', () => {
    expect(neutraliseBidi(`${RLO}ecila`)).toBe('ecila');
    expect(neutraliseBidi(`hi ${RLO}txet${PDF} there`)).toBe('hi txet there');
    expect(neutraliseBidi(`${LRE}a${PDF}${PDF}`)).toBe('a');
  });

  it('closes isolates left open, so the text cannot reach what follows it', () => {
    expect(neutraliseBidi(`${RLI}abc`)).toBe(`${RLI}abc${PDI}`);
    expect(neutraliseBidi(`${FSI}${RLI}abc${PDI}`)).toBe(`${FSI}${RLI}abc${PDI}${PDI}`);
  });

  it('drops a PDI that closes nothing, which would close an isolate around the text', () => {
    expect(neutraliseBidi(`abc${PDI}`)).toBe('abc');
    expect(neutraliseBidi(`${PDI}${RLI}x${PDI}${PDI}`)).toBe(`${RLI}x${PDI}`);
  });

  it('keeps balanced isolates, which right-to-left writers use', () => {
    const text = `see ${RLI}שלום${PDI} here`;
    expect(neutraliseBidi(text)).toBe(text);
  });
});

describe('safeEcho', () => {
  it('shows control bytes as escapes instead of sending them back', () => {
    expect(safeEcho('\x1b[2J')).toBe('\\x1b[2J');
    expect(safeEcho('a\x00b\x7fc\x9b')).toBe('a\\x00b\\x7fc\\x9b');
    expect(safeEcho('one\r\ntwo\tthree')).toBe('one\\r\\ntwo\\tthree');
  });

  it('shows bidi controls, invisible and unassigned characters as escapes', () => {
    expect(safeEcho(`${RLO}ecila`)).toBe('\\u{202E}ecila');
    expect(safeEcho('ali\u200bce')).toBe('ali\\u{200B}ce');
    expect(safeEcho('\u3164')).toBe('\\u{3164}');
    expect(safeEcho('a\u2028b')).toBe('a\\u{2028}b');
    expect(safeEcho('\ud800')).toBe('\\u{D800}');
    expect(safeEcho('\u0378\ue000')).toBe('\\u{378}\\u{E000}');
    expect(safeEcho('\u{e0041}')).toBe('\\u{E0041}');
  });

  it('writes a backslash as two, so what is shown reads back exactly', () => {
    expect(safeEcho('\\x1b')).toBe('\\\\x1b');
    expect(safeEcho('\\x1b')).not.toBe(safeEcho('\x1b'));
  });

  it('leaves ordinary text alone, in any script', () => {
    for (const text of ['hello', 'Zoë', 'Дмитрий', 'שלום', '李小龍', '😀', 'a b']) {
      expect(safeEcho(text)).toBe(text);
    }
  });

  it('quotes at most a bounded number of characters, however long the input', () => {
    const long = 'x'.repeat(100_000);
    expect(safeEcho(long)).toBe(`${'x'.repeat(MAX_ECHO_LENGTH)}…`);
    expect(safeEcho('x'.repeat(MAX_ECHO_LENGTH))).toBe('x'.repeat(MAX_ECHO_LENGTH));
    expect(safeEcho('abcdef', 3)).toBe('abc…');
    expect(safeEcho('😀😀😀', 2)).toBe('😀😀…'); // characters, not UTF-16 units
    // The worst case: every character escaped, each escape at most 10 characters long.
    expect(safeEcho('\u{e0041}'.repeat(10_000)).length).toBeLessThanOrEqual(
      MAX_ECHO_LENGTH * 10 + 1,
    );
  });
});
