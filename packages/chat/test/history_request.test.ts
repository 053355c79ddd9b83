/**
 * The session's history request (from step 7 on): a client scrolls back through a room's
 * history a page at a time, `before` the first message it has, until `more` says nothing
 * older is kept; and every way to ask wrongly answers an error with its code.
 */
import { send } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_REPLAY,
  type HistoryRequest,
  MAX_HISTORY_PAGE,
  type RoomNews,
  type SessionEvent,
} from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

type HistoryEvent = Extract<SessionEvent, { type: 'history' }>;

async function named(name: string): Promise<FakeUser> {
  const user = new FakeUser();
  await user.ask({ type: 'name', name }, 'named');
  return user;
}

/** How many messages the user's session passed on live. */
function liveCount(user: FakeUser): number {
  return user.events.filter(
    (event) => event.type === 'room' && (event.event.news as RoomNews).type === 'message',
  ).length;
}

/** `user` says m1 to m`count` in the room they talk in, and sees them all come back. */
async function sayMany(user: FakeUser, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) send(user.pid, ['request', { type: 'say', text: `m${i}` }]);
  await vi.waitFor(() => expect(liveCount(user)).toBe(count));
}

function page(user: FakeUser, request: Omit<HistoryRequest, 'type'>): Promise<HistoryEvent> {
  return user.ask({ type: 'history', ...request }, 'history');
}

function refused(user: FakeUser, request: Omit<HistoryRequest, 'type'>) {
  return user.ask({ type: 'history', ...request }, 'error');
}

describe('a history request, on a server that keeps 100 messages a room', () => {
  // 250 messages at once: the room's rate must let them all through.
  roomsAndUsersPerTest({}, { messagesPerSecond: 10_000, messageBurst: 10_000 });

  async function annIn250(): Promise<FakeUser> {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await sayMany(ann, 250);
    return ann;
  }

  it.each([30, 50])(
    'pages back through 250 messages, %i at a time: every kept message once, in order',
    async (limit) => {
      const ann = await annIn250();
      const pages: HistoryEvent[] = [await page(ann, { limit })];
      while (pages.at(-1)!.more) {
        pages.push(await page(ann, { limit, before: pages.at(-1)!.messages[0]!.id }));
      }
      const shown = [...pages].reverse().flatMap((p) => p.messages);
      // The last 100 are kept: 151 to 250, each shown once, oldest first.
      expect(shown.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => 151 + i));
      expect(shown.map((m) => m.text)).toEqual(shown.map((m) => `m${m.id}`));
      expect(pages.slice(0, -1).every((p) => p.messages.length === limit && !p.gone)).toBe(true);
      // Pages of 30 end on one that asked for 131 to 160: 151 to 160, and 20 gone. Two pages
      // of 50 end exactly on the oldest kept message: `more` already says nothing is above it.
      expect(pages).toHaveLength(limit === 30 ? 4 : 2);
      expect(pages.at(-1)!.gone).toBe(limit === 30 ? 20 : undefined);
    },
  );

  it('answers the last DEFAULT_REPLAY messages of the room the user talks in by default', async () => {
    const ann = await annIn250();
    const last = await page(ann, {});
    expect(last.room).toBe('lobby');
    expect(last.messages.map((m) => m.id)).toEqual(
      Array.from({ length: DEFAULT_REPLAY }, (_, i) => 251 - DEFAULT_REPLAY + i),
    );
    expect(last.more).toBe(true);
  });

  it('answers an empty page with what is gone for an id older than what is kept', async () => {
    const ann = await annIn250();
    expect(await page(ann, { limit: 20, before: 100 })).toEqual({
      type: 'history',
      room: 'lobby',
      messages: [],
      gone: 20,
      more: false,
    });
  });

  it('pages a room the user is in but does not talk in, named in any case', async () => {
    const ann = await annIn250();
    await ann.ask({ type: 'join', room: 'games' }, 'joined');
    const lobby = await page(ann, { room: 'LOBBY', limit: 2 });
    expect(lobby.room).toBe('lobby');
    expect(lobby.messages.map((m) => m.text)).toEqual(['m249', 'm250']);
    expect(await page(ann, { limit: 5 })).toMatchObject({
      room: 'games',
      messages: [],
      more: false,
    });
  });

  it('answers NOT_IN_ROOM for a room the user is not in, or when they are in none', async () => {
    const ann = await named('ann');
    expect(await refused(ann, {})).toMatchObject({ code: 'NOT_IN_ROOM', request: 'history' });
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    expect(await refused(ann, { room: 'games' })).toMatchObject({
      code: 'NOT_IN_ROOM',
      request: 'history',
      subject: 'games',
    });
  });

  it.each([0, -1, MAX_HISTORY_PAGE + 1, 2.5, Number.NaN])(
    'answers INVALID_LIMIT, with the largest page, for a limit of %d',
    async (limit) => {
      const ann = await named('ann');
      await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
      expect(await refused(ann, { limit })).toMatchObject({
        code: 'INVALID_LIMIT',
        request: 'history',
        limit: MAX_HISTORY_PAGE,
      });
    },
  );

  it.each([251, 0, -3, 1.5])('answers UNKNOWN_MESSAGE_ID for a page before id %d', async (id) => {
    const ann = await annIn250();
    expect(await refused(ann, { before: id })).toMatchObject({
      code: 'UNKNOWN_MESSAGE_ID',
      request: 'history',
      subject: 'lobby',
    });
  });

  it('takes a page before the last id, which the room gave', async () => {
    const ann = await annIn250();
    const before = await page(ann, { before: 250, limit: 1 });
    expect(before.messages.map((m) => m.id)).toEqual([249]);
    expect(before.more).toBe(true);
  });
});

describe('a history request, on a server that keeps 10 messages a room', () => {
  roomsAndUsersPerTest({ historyLength: 10 });

  it('answers INVALID_LIMIT for a page larger than what a room keeps', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await sayMany(ann, 3);
    expect(await refused(ann, { limit: 11 })).toMatchObject({ code: 'INVALID_LIMIT' });
    expect((await page(ann, { limit: 10 })).messages.map((m) => m.text)).toEqual([
      'm1',
      'm2',
      'm3',
    ]);
  });
});

describe('a history request, on a server that keeps no history', () => {
  roomsAndUsersPerTest();

  it('answers NO_HISTORY', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await sayMany(ann, 3);
    expect(await refused(ann, { limit: 10 })).toEqual({
      type: 'error',
      code: 'NO_HISTORY',
      request: 'history',
      subject: 'lobby',
    });
  });
});
