import { describe, expect, it } from 'vitest';
import { aliceAndBob, chatFixture } from '../fixture.ts';
import type { StepUnderTest } from '../step.ts';

// One rule for the length of a message on every transport: 2000 characters, counted as people
// count them (a line of 4 KiB may hold more characters than that).
export function messageLength(step: StepUnderTest): void {
  const chat = chatFixture(step);

  describe('message length', () => {
    it('is the same as on the web: 2000 characters at most, counted as people count them', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      // 2000 characters of two bytes each: the most a message may have, in 4000 bytes.
      bob.send('é'.repeat(2000));
      expect(await alice.next()).toBe(`bob: ${'é'.repeat(2000)}`);
      bob.send('x'.repeat(2001));
      expect(await bob.next()).toBe('error: a message has at most 2000 characters; dropped.');
      // An emoji is two UTF-16 units, but one character: this is 2600 units, 2000 characters.
      const text = '😀'.repeat(600) + 'x'.repeat(1400);
      bob.send(text);
      expect(await alice.next()).toBe(`bob: ${text}`);
    });
  });
}
