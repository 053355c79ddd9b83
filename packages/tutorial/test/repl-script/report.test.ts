import { describe, expect, it } from 'vitest';
import { lineDiff, mismatchText, transcriptOf } from '../../src/repl-script/report.ts';

describe('transcriptOf', () => {
  it('shows each input at the prompt, continued lines with ..., then its output', () => {
    const transcript = transcriptOf([
      { line: 1, input: 'function f() {\n  return 1;\n}', output: '', ok: true },
      { line: 4, input: 'f();', output: '1\n', ok: true },
    ]);
    expect(transcript).toBe('> function f() {\n...   return 1;\n... }\n> f();\n1');
  });
});

describe('mismatchText', () => {
  it('names the file and line, and shows the input, expected, actual and a diff', () => {
    const text = mismatchText('/somewhere/else/01-room.repl.ts', {
      line: 12,
      input: 'await flush();',
      output: "[ 'hello' ]\n",
      expected: "[ 'hello world' ]",
      ok: false,
    });
    expect(text).toContain('/somewhere/else/01-room.repl.ts:12: the output differs');
    expect(text).toContain('> await flush();');
    expect(text).toMatch(/expected:\n {4}\[ 'hello world' \]/);
    expect(text).toMatch(/actual:\n {4}\[ 'hello' \]/);
    expect(text).toMatch(/- \[ 'hello world' \]\n {4}\+ \[ 'hello' \]/);
  });
});

describe('lineDiff', () => {
  it('marks only the lines that differ, placeholders counting as equal', () => {
    expect(lineDiff(['#PID<...>', 'b', 'c'], ['#PID<0.1.0>', 'B', 'c'])).toEqual([
      '  #PID<0.1.0>',
      '- b',
      '+ B',
      '  c',
    ]);
    expect(lineDiff(['a'], ['a', 'extra'])).toEqual(['  a', '+ extra']);
  });
});
