import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { watchDir } from '../../src/exercise/watch.ts';
import { scratch } from '../helpers.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a burst of saves runs the check once; a later save runs it again', async () => {
  const dir = scratch();
  const run = vi.fn(async () => {});
  const watch = watchDir(dir, run, 50);
  try {
    for (const content of ['a', 'b', 'c']) writeFileSync(join(dir, 'index.ts'), content);
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1));
    await pause(150);
    expect(run).toHaveBeenCalledTimes(1);
    writeFileSync(join(dir, 'index.ts'), 'd');
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(2));
  } finally {
    watch.close();
  }
});
