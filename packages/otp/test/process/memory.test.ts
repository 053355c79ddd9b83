import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../fixtures/receive-loop-heap.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const MB = 1024 * 1024;

/**
 * Heap growth (bytes) of a receiver over `messages` messages, measured after full GCs in a
 * child `node --expose-gc`, so that nothing else in the test runner's heap is counted.
 */
async function heapGrowth(mode: 'loop' | 'recursion', messages: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fixture, mode, String(messages)],
    { cwd: packageRoot, maxBuffer: MB },
  );
  const { before, after } = JSON.parse(stdout.trim().split('\n').at(-1) as string);
  return after - before;
}

describe('memory of a receive loop', () => {
  it('a for (;;) await receive() loop keeps the heap flat over 1,000,000 messages', async () => {
    const growth = await heapGrowth('loop', 1_000_000);
    expect(growth).toBeLessThan(8 * MB);
  }, 120_000);

  it('the naive async recursion grows with every message (so the measure above can fail)', async () => {
    const growth = await heapGrowth('recursion', 200_000);
    expect(growth).toBeGreaterThan(8 * MB);
  }, 120_000);
});
