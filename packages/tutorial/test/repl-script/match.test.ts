import { describe, expect, it } from 'vitest';
import { lineMatches, matchesOutput, outputLines } from '../../src/repl-script/match.ts';

describe('matchesOutput', () => {
  it('compares line by line, ignoring trailing spaces and empty lines at the end', () => {
    expect(matchesOutput(['[ 1, 2 ]'], outputLines('[ 1, 2 ]  \n\n'))).toBe(true);
    expect(matchesOutput(['[ 1, 2 ]'], ['[ 1, 3 ]'])).toBe(false);
    expect(matchesOutput(['a'], ['a', 'b'])).toBe(false);
  });

  it('lets #PID<...> stand for any pid and #Reference<...> for any reference', () => {
    expect(lineMatches("[ 'get', #PID<...> ]", "[ 'get', #PID<0.12.0> ]")).toBe(true);
    expect(lineMatches('#Reference<...>', '#Reference<0.1.2.3>')).toBe(true);
    expect(lineMatches("[ 'get', #PID<...> ]", "[ 'get', #Reference<0.1.2.3> ]")).toBe(false);
    expect(lineMatches('#PID<...>', '#PID<0.1.0> and more')).toBe(false);
  });

  it('takes a literal pid literally', () => {
    expect(lineMatches('#PID<0.12.0>', '#PID<0.12.0>')).toBe(true);
    expect(lineMatches('#PID<0.12.0>', '#PID<0.13.0>')).toBe(false);
  });

  it('lets ... stand for any text within a line', () => {
    expect(lineMatches("'started at ..., done'", "'started at 10:02, done'")).toBe(true);
    expect(lineMatches("'started at ..., done'", "'started at 10:02, failed'")).toBe(false);
    expect(lineMatches('a (b) [c] ...', 'a (b) [c] anything')).toBe(true);
  });

  it('lets ... alone on a line stand for any number of lines, none included', () => {
    const expected = ['Uncaught Error: boom', '...'];
    expect(
      matchesOutput(expected, ['Uncaught Error: boom', '    at f (REPL1:1:1)', '    at g']),
    ).toBe(true);
    expect(matchesOutput(expected, ['Uncaught Error: boom'])).toBe(true);
    expect(matchesOutput(['first', '...', 'last'], ['first', 'x', 'y', 'last'])).toBe(true);
    expect(matchesOutput(['first', '...', 'last'], ['first', 'x', 'y'])).toBe(false);
  });
});
