import { expect, test } from 'vitest';
import { fencedBlocks, fenceFor, headings, scanLines, slug } from '../../src/docs/markdown.ts';

test('a fence closes only with the same character, at least as long, without info', () => {
  const text = ['~~~~md', '```ts', 'x', '```', '~~~~', 'after'].join('\n');
  expect(scanLines(text).map((l) => l.role)).toEqual([
    'open',
    'body',
    'body',
    'body',
    'close',
    'prose',
  ]);
  expect(fencedBlocks(text)).toEqual([{ lang: 'md', line: 1, body: ['```ts', 'x', '```'] }]);
});

test('a fence for content that itself holds a fence is longer', () => {
  expect(fenceFor('plain')).toBe('```');
  expect(fenceFor('```ts\nx\n```')).toBe('````');
});

test('headings get GitHub anchors, duplicates numbered, code ignored', () => {
  const text = [
    '# Step 1: `loop/1`, again!',
    '```',
    '# not a heading',
    '```',
    '## Notes',
    '## Notes',
  ].join('\n');
  expect(headings(text).map((h) => h.anchor)).toEqual(['step-1-loop1-again', 'notes', 'notes-1']);
  expect(slug('The [room](x.md) & its state')).toBe('the-room--its-state');
});
