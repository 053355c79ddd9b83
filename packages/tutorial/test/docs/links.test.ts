import { expect, test } from 'vitest';
import { checkLinks } from '../../src/docs/links.ts';
import { MINI } from '../helpers.ts';

test('links to existing files and headings pass; external ones are not followed', () => {
  const text = [
    '[one](01-counter.md) [anchor](01-counter.md#handling-it) [self](#top)',
    '[step](../steps/01-counter/src/index.ts) [web](https://example.org/x) [mail](mailto:a@b.c)',
    '',
    '# Top',
  ].join('\n');
  expect(checkLinks(MINI, 'docs/README.md', text)).toEqual([]);
});

test('a broken file link and a broken anchor, with their lines', () => {
  const text = [
    '# Top',
    'See [three](03-missing.md).',
    'And [the end](01-counter.md#the-end).',
  ].join('\n');
  expect(checkLinks(MINI, 'docs/README.md', text)).toEqual([
    'docs/README.md:2: broken link 03-missing.md: docs/03-missing.md does not exist',
    'docs/README.md:3: broken link 01-counter.md#the-end: docs/01-counter.md has no heading with the anchor #the-end',
  ]);
});

test('links in code are not links', () => {
  const text = ['`[x](nope.md)`', '```md', '[y](nope.md)', '```'].join('\n');
  expect(checkLinks(MINI, 'docs/README.md', text)).toEqual([]);
});

test('reference definitions are checked too', () => {
  expect(checkLinks(MINI, 'docs/README.md', '[ref]: ./gone.md')).toEqual([
    'docs/README.md:1: broken link ./gone.md: docs/gone.md does not exist',
  ]);
});
