import { describe, expect, it } from 'vitest';
import { memoryPerConnection, runTraffic, type Shape } from '../src/processes.ts';

// The processes bench's two shapes carry the same chat: every line reaches every other member
// of its room, once. Figures are the bench's to print (`pnpm bench processes`); none here.
describe('one or two processes per connection', () => {
  const traffic = { rooms: 2, members: 4, talkers: 2, rounds: 3 };

  it.each(['one', 'two'] as Shape[])(
    '%s: delivers every line to every other member',
    async (shape) => {
      const result = await runTraffic(shape, traffic);
      expect(result.deliveries).toBe(2 * 2 * 3 * 3);
      expect(result.cpuUsPerDelivery).toBeGreaterThan(0);
    },
  );

  it('refuses to measure memory without a collector to call, rather than print noise', async () => {
    // vitest runs without --expose-gc; `pnpm bench` runs with it.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    await expect(memoryPerConnection('one', 10)).rejects.toThrow(/--expose-gc/);
  });
});
