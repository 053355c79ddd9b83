import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ListingError, readListing } from '../../src/docs/include.ts';
import { MINI, scratch } from '../helpers.ts';

test('a region, without its markers', () => {
  expect(readListing(MINI, 'steps/01-counter/src/index.ts#messages')).toEqual({
    lang: 'ts',
    code: "export type Message = 'increment';",
  });
});

test('a whole file, region markers left out', () => {
  const { code } = readListing(MINI, 'steps/01-counter/src/index.ts');
  expect(code).toContain('export function handle');
  expect(code).not.toContain('#region');
});

test('a region inside a function is dedented, and nested markers dropped', () => {
  const root = scratch();
  mkdirSync(join(root, 'src'));
  const source = [
    'function f() {',
    '  // #region body',
    '  const a = 1;',
    '  // #region inner',
    '  return a;',
    '  // #endregion inner',
    '  // #endregion body',
    '}',
  ];
  writeFileSync(join(root, 'src/f.ts'), source.join('\n'));
  expect(readListing(root, 'src/f.ts#body').code).toBe('const a = 1;\nreturn a;');
});

test('a missing region names the regions the file has', () => {
  expect(() => readListing(MINI, 'steps/01-counter/src/index.ts#reset')).toThrow(
    new ListingError(
      'steps/01-counter/src/index.ts has no region "reset" (its regions: messages, handle)',
    ),
  );
});

test('a missing file', () => {
  expect(() => readListing(MINI, 'steps/01-counter/src/nope.ts')).toThrow(
    'steps/01-counter/src/nope.ts does not exist',
  );
});
