import { describe, expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import type { StepUnderTest } from '../step.ts';

// The telnet chat of step 05 from the outside: the greeting and the name, talking in a room,
// several rooms, and a client that closes its side of the connection.
export function telnetChat(step: StepUnderTest): void {
  const { MAX_NAME_LENGTH } = step;
  const chat = chatFixture(step);

  describe('greeting and names', () => {
    it('greets a new connection and asks for a name', async () => {
      await chat.start();
      const client = await chat.connect();
      expect(client.received).toEqual(['Welcome to otp-chat!', 'What is your name?']);
    });

    it('puts a named user in the lobby and tells them nobody else is there', async () => {
      await chat.start();
      const alice = await chat.connect();
      alice.send('alice');
      expect(await alice.next()).toBe('Hello alice! Type /help for the commands.');
      expect(await alice.next()).toBe('You joined lobby; nobody else is here.');
    });

    it.each([
      ['', 'Sorry, a name needs at least one character.'],
      ['x'.repeat(MAX_NAME_LENGTH + 1), `Sorry, a name has at most ${MAX_NAME_LENGTH} characters.`],
      ['al ice', 'Sorry, a name cannot contain spaces.'],
      ['al\u0007ice', 'Sorry, a name cannot contain control characters.'],
      ['/alice', 'Sorry, a name cannot start with /.'],
    ])('refuses the name %j with a reason, then asks again', async (name, reason) => {
      await chat.start();
      const client = await chat.connect();
      client.send(name);
      expect(await client.next()).toBe(reason);
      expect(await client.next()).toBe('What is your name?');
      client.send('alice');
      expect(await client.expect(/^You joined lobby/)).toBeTruthy();
    });

    it('counts characters, not bytes: 32 Han characters of 4 bytes each make a good name', async () => {
      await chat.start();
      const client = await chat.connect();
      client.send('\u{20000}'.repeat(MAX_NAME_LENGTH));
      expect(await client.next()).toBe(
        `Hello ${'\u{20000}'.repeat(MAX_NAME_LENGTH)}! Type /help for the commands.`,
      );
    });

    it('refuses a name someone connected has, ignoring case, until they leave', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const other = await chat.connect();
      other.send('ALICE');
      expect(await other.next()).toBe('Sorry, the name ALICE is taken.');
      expect(await other.next()).toBe('What is your name?');
      await alice.close();
      await bob.expect('* alice left lobby');
      other.send('Alice');
      expect(await other.next()).toBe('Hello Alice! Type /help for the commands.');
    });

    it('lets a user quit at the name prompt', async () => {
      await chat.start();
      const client = await chat.connect();
      client.send('/quit');
      expect(await client.next()).toBe('Bye!');
      await client.closed;
    });
  });

  describe('talking in a room', () => {
    it('announces a join to the room and shows the newcomer who is there', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.connect();
      bob.send('bob');
      expect(await bob.expect(/^You joined/)).toBe('You joined lobby with alice.');
      expect(await alice.next()).toBe('* bob joined lobby');
    });

    it('sends a line to the other member with the sender name, and not back to the sender', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      bob.send('hi alice');
      expect(await alice.next()).toBe('bob: hi alice');
      alice.send('hi bob');
      // The next line bob gets is alice's: his own line never came back to him.
      expect(await bob.next()).toBe('alice: hi bob');
    });

    it('sends every line to all the other members of the room', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const carol = await chat.login('carol');
      await alice.expect('* carol joined lobby');
      await bob.expect('* carol joined lobby');
      carol.send('hello both');
      expect(await alice.next()).toBe('carol: hello both');
      expect(await bob.next()).toBe('carol: hello both');
      alice.send('hello carol');
      expect(await bob.next()).toBe('alice: hello carol');
      expect(await carol.next()).toBe('alice: hello carol');
    });

    it('does not replay what was said before someone joined', async () => {
      // A server that keeps history (step 7 on) shows a newcomer the last messages, unless
      // told to show none.
      await chat.start({ historyReplay: 0 });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      alice.send('before carol');
      await bob.expect('alice: before carol');
      const carol = await chat.login('carol');
      alice.send('after carol');
      expect(await carol.next()).toBe('alice: after carol');
    });

    it('tells the room when a user quits, and says goodbye to them', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      bob.send('/quit');
      expect(await bob.next()).toBe('Bye!');
      await bob.closed;
      expect(await alice.expect(/left/)).toBe('* bob left lobby');
    });

    it('ignores empty lines and removes control characters from lines', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.expect('* bob joined lobby');
      bob.send('');
      bob.send('   ');
      bob.send('\u001b[2Jclear\u0007 screen');
      expect(await alice.next()).toBe('bob: [2Jclear screen');
    });
  });

  describe('several rooms', () => {
    it('talks in the last room joined and shows which room each line comes from', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      bob.send('/join dev');
      await bob.expect(/^You joined dev/);
      alice.send('in the lobby');
      // Bob is in two rooms now: his lines carry the room.
      expect(await bob.next()).toBe('[lobby] alice: in the lobby');
      bob.send('talking in dev');
      bob.send('/join lobby');
      expect(await bob.next()).toBe('You now talk in lobby.');
      bob.send('back in the lobby');
      // Alice is only in the lobby: she never saw the line said in dev, and sees no room tag.
      expect(await alice.expect(/^bob:/)).toBe('bob: back in the lobby');
    });

    it('/leave goes back to the room joined before, and stops the lines of the room left', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      bob.send('/join dev');
      await bob.expect(/^You joined dev/);
      alice.send('/join dev');
      await alice.expect(/^You joined dev/);
      await bob.expect('* alice joined dev');
      bob.send('/leave');
      expect(await bob.next()).toBe('You left dev; you talk in lobby.');
      alice.send('only dev hears this');
      alice.send('/join lobby');
      await alice.expect('You now talk in lobby.');
      alice.send('lobby hears this');
      expect(await bob.next()).toBe('alice: lobby hears this');
    });

    it('a user in no room is told to join one', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      alice.send('/leave');
      expect(await alice.next()).toBe('You left lobby; you are in no room now (/join one).');
      alice.send('anyone?');
      expect(await alice.next()).toBe('error: you are in no room; /join one');
      alice.send('/leave');
      expect(await alice.next()).toBe('error: you are in no room');
    });
  });

  describe('a client that closes its side', () => {
    it('still gets the answers to the lines it sent before closing', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const alice = await chat.connect();
      // All at once, then FIN: what `printf 'alice\n...' | nc -N` does.
      alice.socket.end('alice\nhello bob\n/rooms\n');
      expect(await alice.expect(/^Rooms/)).toBe('Rooms: lobby (2)');
      await alice.closed;
      expect(await bob.expect(/^alice:/)).toBe('alice: hello bob');
      expect(await bob.next()).toBe('* alice left lobby');
    });

    it('counts a last line that has no line end', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const alice = await chat.login('alice');
      alice.socket.end('no newline at the end');
      expect(await bob.expect(/^alice:/)).toBe('alice: no newline at the end');
      expect(await bob.next()).toBe('* alice left lobby');
    });
  });
}
