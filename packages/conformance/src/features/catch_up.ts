import { exit } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import {
  historyLogin,
  historyWeb,
  messagesIn,
  oneTo,
  say,
  sequence,
  texts,
} from '../chat_history.ts';
import { chatFixture, crashReportsPerTest } from '../fixture.ts';
import { type StepUnderTest, UNLIMITED_ROOM_RATE, webStep } from '../step.ts';
import type { ServerMessage } from '../web_client.ts';

// A client that comes back joins with the last message it saw (`since`), and gets exactly what
// it missed: no gap, no duplicate; or a history_gap saying how many are gone.
export function catchUp(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const { userPid } = step;
  const chat = chatFixture(step);
  crashReportsPerTest();

  describe('a join with since', () => {
    it("ends, after a socket cut by the server mid-stream, with exactly the room's messages", async () => {
      await chat.start({ ...UNLIMITED_ROOM_RATE, linesPerSecond: 1e6, lineBurst: 1e6 });
      const ada = await historyLogin(chat, 'ada');
      const grace = await historyLogin(chat, 'grace');
      await ada.expect('user_joined');
      // Ada talks; once grace has seen m5, the server cuts her socket, m6 to m20 on their way.
      for (let n = 1; n <= 20; n++) ada.say('lobby', `m${n}`);
      const received: ServerMessage[] = [];
      while (!received.some((message) => message.type === 'message' && message.text === 'm5')) {
        received.push(await grace.next());
      }
      exit(userPid('grace')!, 'kill');
      await grace.closed;
      received.push(...grace.drain());
      // Ada talks on while grace is away.
      await ada.expect('user_left');
      await say(ada, 21, 30);
      const last = messagesIn(received).at(-1)!;

      const back = await historyWeb(chat);
      back.join('lobby', 'grace', { epoch: last.epoch!, id: last.id! });
      expect(await back.next()).toMatchObject({ type: 'joined', roomId: 'lobby' });
      const missed = await back.next();
      expect(missed).toMatchObject({ type: 'history', roomId: 'lobby' });
      ada.say('lobby', 'm31');
      expect(await back.next()).toMatchObject({ type: 'message', text: 'm31', id: 31 });

      // What grace saw, then what she was sent on her return: the room's 30 messages, once each.
      expect(sequence([...received, missed])).toEqual(
        oneTo(30).map((id) => ({ id, text: `m${id}` })),
      );
    });

    it('gives nothing but joined to a client that missed nothing', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const [, second] = await say(ada, 1, 2);
      const grace = await historyWeb(chat);
      grace.join('lobby', 'grace', { epoch: second!.epoch!, id: second!.id! });
      expect(await grace.next()).toMatchObject({ type: 'joined' });
      ada.say('lobby', 'm3');
      expect(await grace.next()).toMatchObject({ type: 'message', text: 'm3', id: 3 });
    });

    it('says how many are gone, before what is still kept, when since is older', async () => {
      await chat.start({ historyLength: 3, historyReplay: 3 });
      const ada = await historyLogin(chat, 'ada');
      const [first] = await say(ada, 1, 6);
      const grace = await historyWeb(chat);
      grace.join('lobby', 'grace', { epoch: first!.epoch!, id: 1 });
      expect(await grace.next()).toMatchObject({ type: 'joined' });
      // 2 and 3 are gone: the room keeps 4, 5 and 6.
      expect(await grace.next()).toEqual({ type: 'history_gap', roomId: 'lobby', missed: 2 });
      expect(texts(await grace.expect('history'))).toEqual(['m4', 'm5', 'm6']);
    });

    it('says nobody knows how many are gone when since is of another epoch', async () => {
      await chat.start();
      const ada = await historyLogin(chat, 'ada');
      const [first] = await say(ada, 1, 2);
      const grace = await historyWeb(chat);
      grace.join('lobby', 'grace', { epoch: first!.epoch! + 1, id: 40 });
      expect(await grace.next()).toMatchObject({ type: 'joined' });
      expect(await grace.next()).toEqual({ type: 'history_gap', roomId: 'lobby', missed: null });
      expect(texts(await grace.expect('history'))).toEqual(['m1', 'm2']);
    });
  });
}
