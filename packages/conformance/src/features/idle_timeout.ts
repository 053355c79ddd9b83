import { describe, expect, it } from 'vitest';
import { chatFixture, sleep } from '../fixture.ts';
import type { StepUnderTest } from '../step.ts';

// A telnet user who types nothing for the idle timeout, when one is set, is closed; what others
// say to them does not count, only what they type.
export function idleTimeout(step: StepUnderTest): void {
  const chat = chatFixture(step);

  describe('the idle timeout', () => {
    it('closes a named user who types nothing for idleTimeoutMs; the room sees them leave', async () => {
      await chat.start({ idleTimeoutMs: 300 });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      // bob talks to alice all along, and so stays; alice only listens.
      const talking = setInterval(() => bob.send('anyone there?'), 100);
      try {
        expect(await alice.expect(/^Nothing typed/)).toBe('Nothing typed in 0.3 s. Bye!');
        await alice.closed;
        expect(await bob.expect(/left/)).toBe('* alice left lobby');
      } finally {
        clearInterval(talking);
      }
    });

    it('counts from the last line typed: a user who keeps typing stays', async () => {
      await chat.start({ idleTimeoutMs: 300 });
      const alice = await chat.login('alice');
      for (let i = 0; i < 6; i++) {
        await sleep(100);
        alice.send('/rooms');
        await alice.expect(/lobby/);
      }
      alice.send('/users');
      expect(await alice.next()).toBe('In lobby: alice');
    });

    it('is off by default', async () => {
      await chat.start({ nameTimeoutMs: 300 });
      const alice = await chat.login('alice');
      await sleep(600);
      alice.send('/users');
      expect(await alice.next()).toBe('In lobby: alice');
    });
  });
}
