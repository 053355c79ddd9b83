import { exit } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import {
  historyLine,
  historyLogin,
  historyWeb,
  ids,
  oneTo,
  say,
  sequence,
  texts,
} from '../chat_history.ts';
import { chatFixture, crashReportsPerTest, tick } from '../fixture.ts';
import { type StepUnderTest, UNLIMITED_ROOM_RATE, webStep } from '../step.ts';
import type { ServerMessage } from '../web_client.ts';

// A room numbers what it accepts and keeps its last messages: a join shows them, a page of them
// comes on request (JSON get_history, telnet /history), and a room that crashes keeps both its
// history and its numbering.
export function history(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const { ChatServer } = step;
  const chat = chatFixture(step);
  /** No rate in the way of a test that says many messages quickly. */
  const fast = { ...UNLIMITED_ROOM_RATE, linesPerSecond: 1e6, lineBurst: 1e6 };

  describe('message ids', () => {
    it("numbers a room's messages 1, 2, 3... in one epoch, the same for every member", async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const grace = await historyLogin(chat, 'grace');
      await ada.expect('user_joined');
      const said = await say(ada, 1, 4);
      expect(ids(said)).toEqual([1, 2, 3, 4]);
      expect(new Set(said.map((message) => message.epoch)).size).toBe(1);
      const heard = [];
      while (heard.length < said.length) heard.push(await grace.expect('message'));
      expect(heard).toEqual(said);
    });
  });

  describe('a join shows what was said before it', () => {
    it('gives a WebSocket newcomer the last messages after joined, in order, then live ones', async () => {
      await chat.start({ historyReplay: 3 });
      const ada = await historyLogin(chat, 'ada');
      const said = await say(ada, 1, 5);
      const grace = await historyWeb(chat);
      grace.join('lobby', 'grace');
      expect(await grace.next()).toMatchObject({ type: 'joined', roomId: 'lobby' });
      expect(await grace.next()).toEqual({
        type: 'history',
        roomId: 'lobby',
        messages: said.slice(2).map(({ type: _, roomId: __, ...message }) => message),
      });
      ada.say('lobby', 'live');
      expect(await grace.next()).toMatchObject({ type: 'message', text: 'live', id: 6 });
    });

    it('sends no history to the first one in a room where nothing was said', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      ada.say('lobby', 'first');
      expect(await ada.next()).toMatchObject({ type: 'message', text: 'first', id: 1 });
    });

    it('shows a telnet newcomer the last messages as [HH:MM] lines after the join line', async () => {
      await chat.start({ historyReplay: 2 });
      const ada = await historyLogin(chat, 'ada');
      await say(ada, 1, 3);
      const bob = await chat.connect();
      bob.send('bob');
      expect(await bob.next()).toBe('Hello bob! Type /help for the commands.');
      expect(await bob.next()).toBe('You joined lobby with ada.');
      expect(await bob.next()).toMatch(historyLine('ada', 'm2'));
      expect(await bob.next()).toMatch(historyLine('ada', 'm3'));
      ada.say('lobby', 'live');
      expect(await bob.next()).toBe('ada: live');
    });

    it('shows the time of a message in UTC, as the room stamped it', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const [said] = await say(ada, 1, 1);
      const bob = await chat.login('bob');
      const time = new Date(said!.timestamp).toISOString().slice(11, 16);
      expect(await bob.next()).toBe(`[${time}] ada: m1`);
    });
  });

  describe('get_history', () => {
    it('pages back with before, saying whether older messages are kept', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      await say(ada, 1, 5);
      ada.getHistory('lobby', { limit: 2 });
      const last = await ada.expect('history');
      expect([texts(last), last.more]).toEqual([['m4', 'm5'], true]);
      ada.getHistory('lobby', { limit: 2, before: last.messages[0]!.id });
      const above = await ada.expect('history');
      expect([texts(above), above.more]).toEqual([['m2', 'm3'], true]);
      ada.getHistory('lobby', { limit: 2, before: above.messages[0]!.id });
      const top = await ada.expect('history');
      expect([texts(top), top.more]).toEqual([['m1'], false]);
    });

    it('answers a room you are not in, a bad limit and an unknown id with their codes', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      await say(ada, 1, 2);
      ada.getHistory('garden');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM' });
      for (const limit of [0, -1, 1.5, 101]) {
        ada.getHistory('lobby', { limit });
        expect(await ada.next()).toMatchObject({ type: 'error', code: 'INVALID_LIMIT' });
      }
      ada.getHistory('lobby', { before: 99 });
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'UNKNOWN_MESSAGE_ID' });
      // Still served after the errors.
      ada.getHistory('lobby', { limit: 1 });
      expect(await ada.next()).toMatchObject({ type: 'history', messages: [{ text: 'm2' }] });
    });
  });

  describe('/history on telnet', () => {
    it('shows the last n messages of the room, with their times, 20 without n', async () => {
      await chat.start({ ...fast, historyReplay: 1 });
      const ada = await historyLogin(chat, 'ada');
      await say(ada, 1, 25);
      const bob = await chat.login('bob');
      expect(await bob.next()).toMatch(historyLine('ada', 'm25'));
      bob.send('/history 2');
      expect(await bob.next()).toMatch(historyLine('ada', 'm24'));
      expect(await bob.next()).toMatch(historyLine('ada', 'm25'));
      bob.send('/history');
      for (let n = 6; n <= 25; n++) expect(await bob.next()).toMatch(historyLine('ada', `m${n}`));
      bob.send('/users');
      expect(await bob.next()).toBe('In lobby: ada, bob');
    });

    it('answers a bad count and a user in no room with error lines', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      bob.send('hello');
      bob.send('/history 0');
      expect(await bob.next()).toMatch(/^error: \/history shows 1 to \d+ messages$/);
      bob.send('/history ten');
      expect(await bob.next()).toBe('error: usage: /history [n]');
      bob.send('/leave');
      expect(await bob.next()).toBe('You left lobby; you are in no room now (/join one).');
      bob.send('/history');
      expect(await bob.next()).toBe('error: you are in no room');
    });
  });

  describe('a room that crashes', () => {
    crashReportsPerTest();

    it('keeps its history and its numbering when killed while messages are said', async () => {
      await chat.start(fast);
      const ada = await historyLogin(chat, 'ada');
      const grace = await historyLogin(chat, 'grace');
      await ada.expect('user_joined');
      const received: ServerMessage[] = [];
      const lobby = ChatServer.whereis('lobby')!;
      // Ada talks on, one message a turn of the event loop; the room dies in the middle, once
      // it has passed on m10, with m11 to m15 on their way.
      for (let n = 1; n <= 40; n++) {
        ada.say('lobby', `m${n}`);
        if (n === 15) {
          await ada.expect('message', (message) => message.text === 'm10');
          exit(lobby, 'kill');
        }
        await tick();
      }
      let restarted = ChatServer.whereis('lobby');
      while (
        restarted === undefined ||
        restarted === lobby ||
        (await ChatServer.members(restarted)).length < 2
      ) {
        await tick();
        restarted = ChatServer.whereis('lobby');
      }
      ada.say('lobby', 'after');
      let last: ServerMessage;
      do {
        last = await grace.next();
        received.push(last);
      } while (!(last.type === 'message' && last.text === 'after'));
      // Ada's session joined the new room too, with the last id she had: when the crash kept
      // some of hers from her (stored, not yet passed on: likely with a slower database), that
      // join brought them as a `history` of its own. It comes before her 'after': taken first,
      // the next `history` is the page asked for.
      await ada.expect('message', (message) => message.text === 'after');

      ada.getHistory('lobby', { limit: 100 });
      const kept = await ada.expect('history');
      // One numbering, 1 to N, with no gap and no duplicate, the message after the crash last.
      expect(ids(kept.messages)).toEqual(oneTo(kept.messages.length));
      expect(new Set(kept.messages.map((message) => message.epoch)).size).toBe(1);
      expect(kept.messages.at(-1)).toMatchObject({ text: 'after' });
      // What was kept is what ada said, in order, each once (what the dead room never took
      // may be missing).
      const saidTexts = texts(kept).slice(0, -1);
      expect(saidTexts.length).toBeGreaterThanOrEqual(10);
      expect(saidTexts).toEqual(
        [...saidTexts].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
      );
      expect(new Set(saidTexts).size).toBe(saidTexts.length);
      // Grace, whose session joined the new room with the last id she had, got every message
      // once, in order: those passed on live, and those the crash kept from her, caught up.
      expect(sequence(received)).toEqual(kept.messages.map(({ id, text }) => ({ id, text })));
    });
  });
}
