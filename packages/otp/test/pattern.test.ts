import { describe, expect, it } from 'vitest';
import { _, makeRef, matches, Pid, spawn } from '../src/index.ts';
import { toPredicate } from '../src/pattern.ts';

describe('receive patterns', () => {
  it('primitives match by identity; NaN matches NaN', () => {
    expect(matches('a', 'a')).toBe(true);
    expect(matches('a', 'b')).toBe(false);
    expect(matches(1, 1)).toBe(true);
    expect(matches(1, '1')).toBe(false);
    expect(matches(null, null)).toBe(true);
    expect(matches(null, undefined)).toBe(false);
    expect(matches(undefined, undefined)).toBe(true);
    expect(matches(Number.NaN, Number.NaN)).toBe(true);
    expect(matches(Number.NaN, 1)).toBe(false);
    expect(matches('a', { a: 1 })).toBe(false);
  });

  it('_ matches anything, at the top or nested', () => {
    for (const value of [1, 'x', null, undefined, { a: 1 }, [1, 2]])
      expect(matches(_, value)).toBe(true);
    expect(matches(['ok', _], ['ok', { any: 'thing' }])).toBe(true);
    expect(matches({ from: _, body: 'hi' }, { from: 7, body: 'hi' })).toBe(true);
  });

  it('arrays match arrays of the same length, element by element', () => {
    expect(matches(['reply', 1], ['reply', 1])).toBe(true);
    expect(matches(['reply', 1], ['reply', 2])).toBe(false);
    expect(matches(['reply', _], ['reply', 1, 2])).toBe(false);
    expect(matches(['reply', _, _], ['reply', 1])).toBe(false);
    expect(matches(['a'], { 0: 'a', length: 1 })).toBe(false);
    expect(matches([], [])).toBe(true);
  });

  it('plain objects need every listed key with a matching value; extra keys are fine', () => {
    expect(matches({ type: 'get' }, { type: 'get', key: 'k' })).toBe(true);
    expect(matches({ type: 'get', key: 'k' }, { type: 'get' })).toBe(false);
    expect(matches({ type: 'get' }, { type: 'put' })).toBe(false);
    expect(matches({ a: undefined }, {})).toBe(false);
    expect(matches({ a: undefined }, { a: undefined })).toBe(true);
    expect(matches({}, { anything: 1 })).toBe(true);
    expect(matches({}, null)).toBe(false);
    expect(matches({ n: { deep: [1, _] } }, { n: { deep: [1, 'x'] }, other: 2 })).toBe(true);
    expect(matches({ n: { deep: [1, _] } }, { n: { deep: [2, 'x'] } })).toBe(false);
  });

  it('pids and refs match by identity', () => {
    const pid = spawn(() => {});
    const other = spawn(() => {});
    const ref = makeRef();
    expect(matches({ from: pid }, { from: pid })).toBe(true);
    expect(matches({ from: pid }, { from: other })).toBe(false);
    expect(matches(['DOWN', ref], ['DOWN', ref])).toBe(true);
    expect(matches(['DOWN', ref], ['DOWN', makeRef()])).toBe(false);
    expect(pid).toBeInstanceOf(Pid);
  });

  it('an instance of a class matches only itself, never by its fields', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const p = new Point(1, 2);
    expect(matches(p, p)).toBe(true);
    expect(matches(p, new Point(1, 2))).toBe(false);
    expect(matches(p, { x: 1, y: 2 })).toBe(false);
    // A plain pattern matches a class instance by its fields, like a map pattern.
    expect(matches({ x: 1 }, new Point(1, 2))).toBe(true);
  });

  it('toPredicate passes a function through and turns a value into a matcher', () => {
    const isEven = (m: unknown) => (m as number) % 2 === 0;
    expect(toPredicate(isEven)).toBe(isEven);
    const matcher = toPredicate(['ok', _]);
    expect(matcher(['ok', 1])).toBe(true);
    expect(matcher(['error', 1])).toBe(false);
  });
});
