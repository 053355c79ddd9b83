import { describe, expect, it } from 'vitest';
import { historyLogin } from '../chat_history.ts';
import { chatFixture, sleep } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// Who is here and how: a status (online, or away with a note) set from either transport reaches
// the members of both, a user list shows it, and typing reaches the other web users, at most
// once a second.
export function presence(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const chat = chatFixture(step);

  describe('status', () => {
    it('tells the WebSocket members of a telnet /away with its note, and /back', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const bob = await chat.login('bob');
      await ada.expect('user_joined');
      bob.send('/away lunch');
      expect(await bob.next()).toBe('You are away: lunch');
      expect(await ada.next()).toEqual({
        type: 'status',
        roomId: 'lobby',
        username: 'bob',
        status: 'away',
        message: 'lunch',
      });
      bob.send('/back');
      expect(await bob.next()).toBe('You are back.');
      expect(await ada.next()).toEqual({
        type: 'status',
        roomId: 'lobby',
        username: 'bob',
        status: 'online',
      });
      bob.send('/away');
      expect(await bob.next()).toBe('You are away.');
      expect(await ada.next()).toEqual({
        type: 'status',
        roomId: 'lobby',
        username: 'bob',
        status: 'away',
      });
    });

    it('tells the telnet members of a set_status as lines', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await historyLogin(chat, 'ada');
      await bob.expect('* ada joined lobby');
      ada.setStatus('away', 'lunch');
      expect(await bob.next()).toBe('* ada is away: lunch');
      ada.setStatus('away');
      expect(await bob.next()).toBe('* ada is away');
      ada.setStatus('online');
      expect(await bob.next()).toBe('* ada is back');
    });

    it('tells the other WebSocket members, and lists each member with their status', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const grace = await historyLogin(chat, 'grace');
      const bob = await chat.login('bob');
      await ada.expect('user_joined', (joined) => joined.username === 'bob');
      const before = Date.now();
      grace.setStatus('away', 'lunch');
      expect(await ada.next()).toEqual({
        type: 'status',
        roomId: 'lobby',
        username: 'grace',
        status: 'away',
        message: 'lunch',
      });
      bob.send('/away');
      await ada.expect('status', (status) => status.username === 'bob');
      ada.listUsers('lobby');
      const list = await ada.expect('user_list');
      expect(list.users).toEqual(['ada', 'grace', 'bob']);
      expect(list.presence).toEqual([
        { username: 'ada', since: expect.any(Number), transports: ['websocket'], status: 'online' },
        {
          username: 'grace',
          since: expect.any(Number),
          transports: ['websocket'],
          status: 'away',
          message: 'lunch',
        },
        { username: 'bob', since: expect.any(Number), transports: ['telnet'], status: 'away' },
      ]);
      // Since when each is here: in the order they came, all before the status was set.
      const since = list.presence!.map((member) => member.since);
      expect(since).toEqual([...since].sort((a, b) => a - b));
      expect(since.every((time) => time <= before)).toBe(true);
    });
  });

  describe('typing', () => {
    it('reaches the other WebSocket members at most once a second, never the typer', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const grace = await historyLogin(chat, 'grace');
      await ada.expect('user_joined');
      for (let i = 0; i < 5; i++) grace.typing('lobby');
      grace.say('lobby', 'done');
      expect(await ada.next()).toEqual({ type: 'typing', roomId: 'lobby', username: 'grace' });
      // The other four came within the second: dropped.
      expect(await ada.next()).toMatchObject({ type: 'message', text: 'done' });
      // Grace is not told she is typing.
      expect(await grace.next()).toMatchObject({ type: 'message', text: 'done' });
      await sleep(1100);
      grace.typing('lobby');
      grace.say('lobby', 'again');
      expect(await ada.next()).toEqual({ type: 'typing', roomId: 'lobby', username: 'grace' });
      expect(await ada.next()).toMatchObject({ type: 'message', text: 'again' });
      expect(await grace.next()).toMatchObject({ type: 'message', text: 'again' });
    });

    it('is never shown to telnet members', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const grace = await historyLogin(chat, 'grace');
      await bob.expect('* grace joined lobby');
      grace.typing('lobby');
      grace.say('lobby', 'hello bob');
      expect(await bob.next()).toBe('grace: hello bob');
    });

    it('is refused in a room the typer is not in', async () => {
      await chat.start();
      const grace = await historyLogin(chat, 'grace');
      grace.typing('garden');
      expect(await grace.next()).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM' });
    });
  });
}
