import { describe, expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type FeatureContext, keepsEmptyRooms, type StepUnderTest } from '../step.ts';

// The telnet commands: /help /join /leave /rooms /users /msg /quit, and their errors.
export function telnetCommands(step: StepUnderTest, where: FeatureContext): void {
  const { COMMANDS, MAX_NAME_LENGTH } = step;
  const chat = chatFixture(step);

  describe('commands', () => {
    it('/help lists every command', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/help');
      for (const [usage] of COMMANDS) expect(await alice.next()).toContain(usage);
    });

    it('answers an unknown command, or a command used wrongly, with an error', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/dance');
      expect(await alice.next()).toBe('error: unknown command /dance; /help lists the commands');
      alice.send('/join');
      expect(await alice.next()).toBe('error: usage: /join <room>');
      alice.send('/msg bob');
      expect(await alice.next()).toBe('error: usage: /msg <user> <text>');
    });

    it('/join makes a room on demand, announced to nobody else, and /users lists its members', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      alice.send('/join games');
      expect(await alice.next()).toBe('You joined games; nobody else is here.');
      bob.send('/join Games');
      expect(await bob.next()).toBe('You joined games with alice.');
      expect(await alice.next()).toBe('* bob joined games');
      bob.send('/users');
      expect(await bob.next()).toBe('In games: alice, bob');
    });

    it('refuses a room name that breaks the name rules', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send(`/join ${'r'.repeat(MAX_NAME_LENGTH + 1)}`);
      expect(await alice.next()).toBe(
        `error: room names follow the rules for names: a name has at most ${MAX_NAME_LENGTH} characters`,
      );
    });

    it('/rooms lists the rooms with how many people are in each', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      bob.send('/join dev');
      await bob.expect(/^You joined dev/);
      alice.send('/rooms');
      expect(await alice.next()).toBe('Rooms: dev (1), lobby (2)');
    });

    it('a room whose last member leaves is gone (or empty, in a step that keeps rooms)', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/join dev');
      await alice.expect(/^You joined dev/);
      alice.send('/leave');
      expect(await alice.next()).toBe('You left dev; you talk in lobby.');
      alice.send('/rooms');
      const kept = keepsEmptyRooms(where) ? 'dev (0), ' : '';
      expect(await alice.next()).toBe(`Rooms: ${kept}lobby (1)`);
    });

    it('/msg sends a private line to one user only', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const carol = await chat.login('carol');
      await alice.expect('* carol joined lobby');
      alice.send('/msg BOB just between us');
      expect(await bob.expect(/private/)).toBe('[private] alice: just between us');
      alice.send('for everyone');
      // Carol's next line is the public one: the private line never reached her.
      expect(await carol.next()).toBe('alice: for everyone');
      alice.send('/msg dave hello?');
      expect(await alice.next()).toBe('error: nobody called dave is connected');
    });

    it('/quit closes the connection after a goodbye', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/quit');
      expect(await alice.next()).toBe('Bye!');
      await alice.closed;
    });
  });
}
