import { RoomEvent, type Session } from '@otp-chat/chat';
import { decodeLine, encodeEvent, parseCommand } from '@otp-chat/telnet';
import { describe, expect, it } from 'vitest';

// Step 8's catalog commands (/create, /topic), which a step with storage turns on in its
// telnet config (`catalog`); off, they are unknown commands and /help does not list them.

const ON = { catalog: true };

function sessionOf(name: string, rooms: string[]): Session {
  return { name, rooms } as unknown as Session;
}

describe('the catalog commands', () => {
  it('are unknown commands when the step has no storage', () => {
    for (const line of ['/create books', '/topic hello']) {
      expect(decodeLine(line)).toEqual({ type: 'reply', line: `error: ${parseCommand(line)[1]}` });
    }
    expect(encodeEvent({ type: 'help' }, sessionOf('ann', [])).join('\n')).not.toMatch(/create/);
  });

  it('decode /create with or without a description, and /topic with its text as typed', () => {
    expect(decodeLine('/create books', ON)).toEqual({ type: 'create_room', room: 'books' });
    expect(decodeLine('/create books Read  anything, good?', ON)).toEqual({
      type: 'create_room',
      room: 'books',
      description: 'Read  anything, good?',
    });
    expect(decodeLine('/topic  Say hello ', ON)).toEqual({ type: 'topic', text: 'Say hello' });
    expect(decodeLine('/create', ON)).toEqual({
      type: 'reply',
      line: 'error: usage: /create <room> [text]',
    });
    expect(decodeLine('/topic', ON)).toEqual({
      type: 'reply',
      line: 'error: usage: /topic <text>',
    });
  });

  it('are listed by /help when turned on', () => {
    const help = encodeEvent({ type: 'help' }, sessionOf('ann', []), ON).join('\n');
    expect(help).toMatch(/\/create <room> \[text\]/);
    expect(help).toMatch(/\/topic <text>/);
  });

  it('show descriptions in /rooms, a topic change, and a join with a topic', () => {
    const ann = sessionOf('ann', ['lobby']);
    const rooms = [
      { id: 'books', userCount: 0, description: 'Novels, mostly' },
      { id: 'lobby', userCount: 2 },
    ];
    expect(encodeEvent({ type: 'rooms', rooms, more: 0 }, ann, ON)).toEqual([
      'Rooms: books (0) "Novels, mostly", lobby (2)',
    ]);
    const news = { type: 'topic', roomId: 'lobby', username: 'bob', description: 'Hi' } as const;
    const lines = encodeEvent({ type: 'room', event: new RoomEvent(news), mine: false }, ann, ON);
    expect(lines.map(String)).toEqual(['* bob set the topic of lobby: Hi\r\n']);
    // The setter sees it too: the room's copy is what was stored.
    const own = encodeEvent({ type: 'room', event: new RoomEvent(news), mine: true }, ann, ON);
    expect(own.map(String)).toEqual(['* bob set the topic of lobby: Hi\r\n']);
    const joined = { type: 'joined', room: 'lobby', users: ['ann'], rejoined: false } as const;
    expect(encodeEvent({ ...joined, description: 'Hi' }, ann, ON)).toEqual([
      'You joined lobby; nobody else is here.',
      'Topic: Hi',
    ]);
  });

  it('say what went wrong, for each catalog error', () => {
    const ann = sessionOf('ann', ['lobby']);
    const error = { type: 'catalog_error', request: 'create_room' } as const;
    const says = (extra: object) =>
      encodeEvent({ ...error, ...extra } as Parameters<typeof encodeEvent>[0], ann, ON);
    expect(says({ code: 'ROOM_EXISTS', subject: 'Books' })).toEqual([
      'error: there is a room called Books already; /join it',
    ]);
    expect(says({ code: 'INVALID_DESCRIPTION', problem: 'too_long', limit: 200 })).toEqual([
      'error: a description has at most 200 characters',
    ]);
    expect(says({ code: 'NO_STORAGE' })).toEqual(['error: this server keeps no rooms of its own']);
    expect(says({ code: 'INVALID_ROOM', problem: 'has_space' })[0]).toMatch(/^error: room names/);
  });
});
