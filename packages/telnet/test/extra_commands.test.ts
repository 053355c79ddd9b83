import {
  type HistoryMessage,
  RoomEvent,
  type RoomNews,
  type Session,
  type SessionEvent,
} from '@otp-chat/chat';
import { FakeUser, roomsAndUsersPerTest } from '@otp-chat/chat/testing';
import {
  COMMANDS,
  commandsFor,
  decodeLine,
  decodeName,
  type ExtraCommands,
  encodeEvent,
  HISTORY_LINES,
  parseCommand,
} from '@otp-chat/telnet';
import { describe, expect, it, vi } from 'vitest';

// Step 7's commands (/history, /away, /back) and history lines, which a step turns on in its
// telnet config: off, the adapter reads and writes what it did before, byte for byte.

const ON: ExtraCommands = { history: true, presence: true };

function sessionOf(name: string, rooms: string[]): Session {
  return { name, rooms } as unknown as Session;
}

function message(id: number, text: string, timestamp: number): HistoryMessage {
  return { epoch: 7, id, from: 'bob', text, timestamp };
}

// 14:05 and 09:30 UTC, whatever the time zone the tests run in.
const T1 = Date.UTC(2026, 0, 2, 14, 5, 59);
const T2 = Date.UTC(2026, 0, 3, 9, 30);

describe('the extra commands, turned off', () => {
  it('stay unknown commands, answered as before', () => {
    for (const line of ['/history', '/history 5', '/away lunch', '/back']) {
      const unknown = parseCommand(line);
      expect(decodeLine(line)).toEqual({ type: 'reply', line: `error: ${unknown[1]}` });
      expect(decodeLine(line, { history: false, presence: false })).toEqual(decodeLine(line));
    }
    expect(decodeLine('/history')).toEqual({
      type: 'reply',
      line: 'error: unknown command /history; /help lists the commands',
    });
  });

  it('are not in /help, which lists COMMANDS as before', () => {
    const help = encodeEvent({ type: 'help' }, sessionOf('ann', []));
    expect(help).toEqual(COMMANDS.map(([usage, what]) => `  ${usage.padEnd(20)} ${what}`));
    expect(help.join('\n')).not.toMatch(/history|away|back/);
  });

  it("write nothing of a join's history", () => {
    const joined: SessionEvent = {
      type: 'joined',
      room: 'lobby',
      users: ['ann'],
      rejoined: false,
      history: { messages: [message(1, 'hi', T1)], gone: 3 },
    };
    expect(encodeEvent(joined, sessionOf('ann', []))).toEqual([
      'You joined lobby; nobody else is here.',
    ]);
  });
});

describe('the extra commands, turned on', () => {
  it('parse /history [n] into a history request, n judged by the session', () => {
    expect(decodeLine('/history', ON)).toEqual({ type: 'history', limit: HISTORY_LINES });
    expect(decodeLine('/HISTORY  5 ', ON)).toEqual({ type: 'history', limit: 5 });
    expect(decodeLine('/history 0', ON)).toEqual({ type: 'history', limit: 0 });
    for (const wrong of ['/history five', '/history 5 6', '/history -1']) {
      expect(decodeLine(wrong, ON)).toEqual({ type: 'reply', line: 'error: usage: /history [n]' });
    }
  });

  it('parse /away [message] and /back into statuses', () => {
    expect(decodeLine('/away', ON)).toEqual({ type: 'status', status: 'away' });
    expect(decodeLine('/away  out  to lunch ', ON)).toEqual({
      type: 'status',
      status: 'away',
      message: 'out  to lunch',
    });
    expect(decodeLine('/back', ON)).toEqual({ type: 'status', status: 'online' });
    expect(decodeLine('/back soon', ON)).toEqual({ type: 'reply', line: 'error: usage: /back' });
  });

  it('turn on one set at a time', () => {
    expect(decodeLine('/away', { history: true })).toMatchObject({ type: 'reply' });
    expect(decodeLine('/history', { presence: true })).toMatchObject({ type: 'reply' });
    expect(commandsFor({ history: true }).map(([usage]) => usage)).toEqual([
      ...COMMANDS.map(([usage]) => usage),
      '/history [n]',
    ]);
  });

  it('are listed by /help after the others', () => {
    const help = encodeEvent({ type: 'help' }, sessionOf('ann', []), ON);
    expect(help).toHaveLength(COMMANDS.length + 3);
    expect(
      help.slice(-3).map(
        (line) =>
          String(line)
            .trim()
            .split(/\s{2,}/)[0],
      ),
    ).toEqual(['/history [n]', '/away [message]', '/back']);
  });

  it("write a join's history after the join line, each message with its UTC time", () => {
    const joined: SessionEvent = {
      type: 'joined',
      room: 'lobby',
      users: ['bob', 'ann'],
      rejoined: false,
      history: { messages: [message(13, 'hi', T1), message(14, 'there', T2)], gone: 12 },
    };
    expect(encodeEvent(joined, sessionOf('ann', []), ON)).toEqual([
      'You joined lobby with bob.',
      '(12 earlier messages are no longer kept)',
      '[14:05] bob: hi',
      '[09:30] bob: there',
    ]);
  });

  it('write a history page, one message gone or all, or a room with nothing kept', () => {
    const page = (gone: number | 'all' | undefined, messages: HistoryMessage[]): SessionEvent => ({
      type: 'history',
      room: 'lobby',
      messages,
      more: false,
      ...(gone === undefined ? {} : { gone }),
    });
    const ann = sessionOf('ann', ['lobby']);
    expect(encodeEvent(page(1, [message(2, 'yo', T2)]), ann)).toEqual([
      '(1 earlier message is no longer kept)',
      '[09:30] bob: yo',
    ]);
    expect(encodeEvent(page('all', []), ann)).toEqual(['(earlier messages are no longer kept)']);
    expect(encodeEvent(page(undefined, []), ann)).toEqual(['(nothing said in lobby is kept)']);
  });

  it("confirm the user's own status once, in the room they talk in", () => {
    const away: RoomNews = {
      type: 'status',
      roomId: 'lobby',
      username: 'ann',
      status: 'away',
      message: 'lunch',
    };
    const event = (news: RoomNews): SessionEvent => ({
      type: 'room',
      event: new RoomEvent(news),
      mine: true,
    });
    const ann = sessionOf('ann', ['games', 'lobby']);
    expect(encodeEvent(event(away), ann)).toEqual(['You are away: lunch']);
    expect(encodeEvent(event({ ...away, roomId: 'games' }), ann)).toEqual([]);
    expect(encodeEvent(event({ ...away, status: 'online' }), ann)).toEqual(['You are back.']);
  });

  it('word the history errors', () => {
    const error = (code: 'INVALID_LIMIT' | 'NO_HISTORY', limit?: number): SessionEvent => ({
      type: 'error',
      code,
      request: 'history',
      ...(limit === undefined ? {} : { limit }),
    });
    const ann = sessionOf('ann', ['lobby']);
    expect(encodeEvent(error('INVALID_LIMIT', 100), ann)).toEqual([
      'error: /history shows 1 to 100 messages',
    ]);
    expect(encodeEvent(error('INVALID_LIMIT'), ann)).toEqual([
      'error: the server keeps fewer messages than that',
    ]);
    expect(encodeEvent(error('NO_HISTORY'), ann)).toEqual(['error: this server keeps no history']);
  });
});

/**
 * A telnet user without a socket: a fake transport running a real session, which takes the
 * lines the test types through the adapter (the first one is the name, then the user is in
 * `lobby`) and keeps what the adapter writes, line ends taken off.
 */
function telnetUser(extras: ExtraCommands): { type(line: string): void; lines: string[] } {
  const lines: string[] = [];
  const user = new FakeUser({ transport: 'telnet' }, (event, session) => {
    for (const part of encodeEvent(event, session, extras)) lines.push(String(part).trim());
  });
  let named = false;
  const type = (line: string): void => {
    if (!named) {
      named = true;
      user.tell(decodeName(line));
      user.tell({ type: 'join', room: 'lobby' });
      return;
    }
    const decoded = decodeLine(line, extras);
    if (decoded?.type === 'reply') lines.push(decoded.line);
    else if (decoded !== undefined) user.tell(decoded);
  };
  return { type, lines };
}

const TIMED = /^\[\d\d:\d\d\] /;

describe('a telnet user, through a real session, on a server that keeps history', () => {
  roomsAndUsersPerTest({});

  it('is shown what was said before they joined, and pages it with /history', async () => {
    const bob = telnetUser(ON);
    bob.type('bob');
    await vi.waitFor(() => expect(bob.lines).toContain('You joined lobby; nobody else is here.'));
    for (const text of ['one', 'two', 'three']) bob.type(text);
    // Bob's own lines are not written back to him: his /history shows they are in the room's.
    bob.type('/history');
    await vi.waitFor(() => expect(bob.lines.at(-1)).toMatch(/^\[\d\d:\d\d\] bob: three$/));

    const ann = telnetUser(ON);
    ann.type('ann');
    await vi.waitFor(() => expect(ann.lines.at(-1)).toMatch(/three$/));
    const joinedAt = ann.lines.indexOf('You joined lobby with bob.');
    const caughtUp = ann.lines.slice(joinedAt + 1);
    expect(caughtUp.map((line) => line.replace(TIMED, ''))).toEqual([
      'bob: one',
      'bob: two',
      'bob: three',
    ]);
    expect(caughtUp.every((line) => TIMED.test(line))).toBe(true);

    const before = ann.lines.length;
    ann.type('/history 2');
    await vi.waitFor(() => expect(ann.lines).toHaveLength(before + 2));
    expect(ann.lines.slice(before)).toEqual(caughtUp.slice(1));

    ann.type('/history 101');
    await vi.waitFor(() =>
      expect(ann.lines.at(-1)).toBe('error: /history shows 1 to 100 messages'),
    );
  });

  it('goes away and comes back, which the others see', async () => {
    const bob = telnetUser(ON);
    bob.type('bob');
    await vi.waitFor(() => expect(bob.lines).toContain('You joined lobby; nobody else is here.'));
    const ann = telnetUser(ON);
    ann.type('ann');
    await vi.waitFor(() => expect(ann.lines).toContain('You joined lobby with bob.'));
    ann.type('/away lunch');
    await vi.waitFor(() => expect(bob.lines).toContain('* ann is away: lunch'));
    await vi.waitFor(() => expect(ann.lines.at(-1)).toBe('You are away: lunch'));
    ann.type('/back');
    await vi.waitFor(() => expect(bob.lines).toContain('* ann is back'));
    await vi.waitFor(() => expect(ann.lines.at(-1)).toBe('You are back.'));
  });
});

describe('a telnet user, through a real session, on a server that keeps no history', () => {
  roomsAndUsersPerTest();

  it('is told there is none when they ask for it', async () => {
    const ann = telnetUser(ON);
    ann.type('ann');
    ann.type('/history');
    await vi.waitFor(() => expect(ann.lines.at(-1)).toBe('error: this server keeps no history'));
  });
});
