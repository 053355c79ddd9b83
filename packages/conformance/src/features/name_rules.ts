import { describe, expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import type { StepUnderTest } from '../step.ts';

/**
 * Names nobody can fake (issue 12): each is refused, and why. On telnet a name is raw text
 * before every line its owner sends, so each of these would pass for someone, or something,
 * else: another user (`аlice` with a Cyrillic а, a zero-width space, fullwidth or bold
 * letters, a right-to-left override that shows `ecila` as `alice`), nobody at all (a Hangul
 * filler), or the server itself (`* bob joined`, `bob:`, `[lobby]`, `error`).
 */
const FAKE_NAMES = [
  ['\u0430lice', 'mixed_scripts'],
  ['ali\u200bce', 'has_invisible'],
  ['\uff41lice', 'has_styled_letter'],
  ['\u{1d41a}lice', 'has_styled_letter'],
  ['\u202eecila', 'has_invisible'],
  ['\u3164', 'has_invisible'],
  ['___', 'no_letter_or_digit'],
  ['*', 'has_symbol'],
  ['bob:', 'has_symbol'],
  ['[lobby]', 'has_symbol'],
  ['error', 'reserved'],
] as const;

/** `ѕсоре`, all Cyrillic: no rule refuses it, but it looks like `scope`, so it is taken. */
const CYRILLIC_SCOPE = '\u0455\u0441\u043e\u0440\u0435';

// The rules for names, as the pure functions a step exports (what is refused, why, and which
// names count as the same), and as a client meets them on each transport the step has.
export function nameRules(step: StepUnderTest): void {
  const { explainNameProblem, MAX_NAME_LENGTH, nameKey, nameProblem } = step;
  const chat = chatFixture(step);
  // U+20000, a Han ideograph outside the BMP: one character, two UTF-16 units, four bytes.
  const han = '\u{20000}';

  describe('name rules', () => {
    it.each<readonly [string, string | undefined]>([
      ['alice', undefined],
      ['a', undefined],
      ['x'.repeat(MAX_NAME_LENGTH), undefined],
      ['Zoë', undefined],
      ['Дмитрий', undefined],
      [han.repeat(MAX_NAME_LENGTH), undefined],
      ['', 'empty'],
      ['x'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
      [han.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
      ['al ice', 'has_space'],
      ['al\tice', 'has_space'],
      ['al\u00a0ice', 'has_space'],
      ['al\u0000ice', 'has_control'],
      ['al\u001bice', 'has_control'],
      ['/alice', 'starts_with_slash'],
      ['😀', 'has_symbol'],
      ['\ud800x', 'lone_surrogate'],
      ['x\u0378', 'unassigned'],
      ...FAKE_NAMES,
    ])('%j: %s', (name, problem) => {
      expect(nameProblem(name)).toBe(problem);
    });

    it('has a sentence for every problem', () => {
      const problems = [
        'empty',
        'too_long',
        'has_space',
        'has_control',
        'starts_with_slash',
        ...FAKE_NAMES.map(([, problem]) => problem),
      ];
      for (const problem of problems) expect(explainNameProblem(problem)).toMatch(/^a name /);
    });

    it('gives names that differ only in case or in how an accent is encoded the same key', () => {
      expect(nameKey('Alice')).toBe(nameKey('aLICE'));
      expect(nameKey('Zo\u00eb')).toBe(nameKey('Zoe\u0308'));
      expect(nameKey('alice')).not.toBe(nameKey('alicia'));
    });

    it('gives names that look alike the same key', () => {
      for (const fake of ['\u0430lice', 'ali\u200bce', '\uff41lice', '\u{1d41a}lice']) {
        expect(nameKey(fake)).toBe(nameKey('alice'));
      }
      expect(nameKey(CYRILLIC_SCOPE)).toBe(nameKey('scope'));
    });
  });

  describe('names nobody can fake, on telnet', () => {
    it('refuses every fake name with its reason, and asks again', async () => {
      await chat.start();
      const client = await chat.connect();
      for (const [name, problem] of FAKE_NAMES) {
        client.send(name);
        expect(await client.next()).toBe(`Sorry, ${explainNameProblem(problem)}.`);
        expect(await client.next()).toBe('What is your name?');
      }
      client.send('alice');
      await client.expect(/^You joined lobby/);
    });

    it('refuses a name that looks like one in use', async () => {
      await chat.start();
      await chat.login('scope');
      const other = await chat.connect();
      other.send(CYRILLIC_SCOPE);
      expect(await other.next()).toBe(`Sorry, the name ${CYRILLIC_SCOPE} is taken.`);
    });

    it('refuses a room whose name could pass for a server line', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/join [lobby]');
      expect(await alice.next()).toBe(
        `error: room names follow the rules for names: ${explainNameProblem('has_symbol')}`,
      );
    });

    it('never sends back the control characters of what it quotes in an error', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/msg \u001b[2J\u202e hi');
      expect(await alice.next()).toBe('error: nobody called \\x1b[2J\\u{202E} is connected');
    });

    it('keeps a bidi override inside the line it was sent in', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      // Shown raw, the override would reverse the rest of the line: bob never wrote this.
      bob.send('\u202e!nwod si revres eht');
      expect(await alice.next()).toBe('bob: !nwod si revres eht');
    });
  });

  // A telnet-only step has no WebSocket to test this on.
  if (step.ChatClient === undefined) return;
  describe('names nobody can fake, on WebSockets', () => {
    it('refuses every fake name: INVALID_USERNAME, with its reason', async () => {
      await chat.start();
      const client = await chat.web();
      for (const [name, problem] of FAKE_NAMES) {
        client.join('lobby', name);
        expect(await client.next()).toEqual({
          type: 'error',
          code: 'INVALID_USERNAME',
          message: `username: ${explainNameProblem(problem)}`,
        });
      }
      client.join('lobby', 'ada');
      expect(await client.next()).toMatchObject({ type: 'joined', users: ['ada'] });
    });

    it("refuses a name that looks like a telnet user's, and the other way round", async () => {
      await chat.start();
      await chat.login('scope');
      const ada = await chat.webLogin('ada');
      const fake = await chat.web();
      fake.join('lobby', CYRILLIC_SCOPE);
      expect(await fake.next()).toEqual({
        type: 'error',
        code: 'INVALID_USERNAME',
        message: `the name ${CYRILLIC_SCOPE} is taken`,
      });
      const telnet = await chat.connect();
      telnet.send('ADA');
      expect(await telnet.next()).toBe('Sorry, the name ADA is taken.');
      ada.say('lobby', '\u202eereh');
      expect(await ada.expect('message')).toMatchObject({ from: 'ada', text: 'ereh' });
    });
  });
}
