import { exit, send } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { ChatServer, type RoomNews } from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

roomsAndUsersPerTest();

describe('Session', () => {
  it('takes a free, valid name and refuses a taken or bad one', async () => {
    const ann = new FakeUser();
    expect(await ann.ask({ type: 'name', name: 'Ann' }, 'named')).toEqual({
      type: 'named',
      name: 'Ann',
    });
    const other = new FakeUser();
    expect(await other.ask({ type: 'name', name: 'ANN' }, 'error')).toMatchObject({
      code: 'INVALID_USERNAME',
      problem: 'taken',
    });
    expect(await other.ask({ type: 'name', name: 'a b' }, 'error')).toMatchObject({
      code: 'INVALID_USERNAME',
      problem: 'has_space',
    });
  });

  it('refuses a name that looks like one in use: another script, width, or a capital I for l', async () => {
    const alice = new FakeUser();
    await alice.ask({ type: 'name', name: 'Alice' }, 'named');
    const scope = new FakeUser();
    await scope.ask({ type: 'name', name: 'scope' }, 'named');
    const fake = new FakeUser();
    // `ѕсоре` is all Cyrillic, so no rule refuses it: its key is taken.
    for (const name of ['\u0455\u0441\u043e\u0440\u0435', 'AIice', 'ALICE']) {
      expect(await fake.ask({ type: 'name', name }, 'error')).toMatchObject({
        code: 'INVALID_USERNAME',
        problem: 'taken',
      });
    }
    // The look-alike key is never a name: a private line to `AIice` reaches nobody.
    await fake.ask({ type: 'name', name: 'mallory' }, 'named');
    expect(await fake.ask({ type: 'private', to: 'AIice', text: 'hi' }, 'error')).toMatchObject({
      code: 'UNKNOWN_USER',
    });
  });

  it('quotes what the client sent in an error without its control characters', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    const error = await ann.ask({ type: 'private', to: '\u001b[2J\u202e', text: 'x' }, 'error');
    expect(error).toMatchObject({ code: 'UNKNOWN_USER', subject: '\\x1b[2J\\u{202E}' });
    const long = await ann.ask({ type: 'private', to: 'x'.repeat(5000), text: 'x' }, 'error');
    expect(long.subject!.length).toBeLessThan(100);
  });

  it('neutralises a bidi override in what is said', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    send(ann.pid, ['request', { type: 'say', text: '\u202eereh' }]);
    expect((await ann.waitForMessage()).event.news).toMatchObject({ text: 'ereh' });
  });

  it('joins, says, and gets its own message back marked as its own', async () => {
    const ann = new FakeUser();
    const bob = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await bob.ask({ type: 'name', name: 'bob' }, 'named');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    const joined = await bob.ask({ type: 'join', room: 'Lobby' }, 'joined');
    expect(joined).toEqual({
      type: 'joined',
      room: 'lobby',
      users: ['ann', 'bob'],
      rejoined: false,
    });
    send(bob.pid, ['request', { type: 'say', text: 'hi\u0007 all' }]);
    const got = await ann.waitForMessage();
    expect(got.mine).toBe(false);
    expect(got.event.news).toMatchObject({ type: 'message', from: 'bob', text: 'hi all' });
    const echo = await bob.waitForMessage();
    expect(echo.mine).toBe(true);
    // One event object for both members: encoded once per wire format, not once per member.
    expect(echo.event).toBe(got.event);
    const encode = vi.fn((news: RoomNews) => JSON.stringify(news));
    expect(got.event.encoded(encode)).toBe(echo.event.encoded(encode));
    expect(encode).toHaveBeenCalledTimes(1);
  });

  it('says which errors the protocol codes name', async () => {
    const ann = new FakeUser();
    expect(await ann.ask({ type: 'join', room: 'lobby' }, 'error')).toMatchObject({
      code: 'INVALID_USERNAME',
      problem: 'unnamed',
    });
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    expect(await ann.ask({ type: 'say', text: 'hello' }, 'error')).toMatchObject({
      code: 'NOT_IN_ROOM',
      request: 'say',
    });
    expect(await ann.ask({ type: 'join', room: '/x' }, 'error')).toMatchObject({
      code: 'INVALID_ROOM',
    });
    expect(await ann.ask({ type: 'private', to: 'nobody', text: 'hi' }, 'error')).toMatchObject({
      code: 'UNKNOWN_USER',
      subject: 'nobody',
    });
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    expect(await ann.ask({ type: 'say', text: ' \u0001 ' }, 'error')).toMatchObject({
      code: 'INVALID_MESSAGE',
      problem: 'blank',
    });
    expect(await ann.ask({ type: 'join', room: 'LOBBY' }, 'already_in')).toEqual({
      type: 'already_in',
      room: 'lobby',
    });
  });

  it('sends a private line to another user by name', async () => {
    const ann = new FakeUser();
    const bob = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await bob.ask({ type: 'name', name: 'bob' }, 'named');
    send(ann.pid, ['request', { type: 'private', to: 'BOB', text: 'psst' }]);
    expect(await bob.waitFor('private')).toEqual({ type: 'private', from: 'ann', text: 'psst' });
  });

  it('leaves the room it talks in, then talks in the one joined before', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'a' }, 'joined');
    await ann.ask({ type: 'join', room: 'b' }, 'joined');
    expect(await ann.ask({ type: 'leave' }, 'left')).toEqual({ type: 'left', room: 'b', now: 'a' });
    expect(await ann.ask({ type: 'leave' }, 'left')).toEqual({
      type: 'left',
      room: 'a',
      now: undefined,
    });
    expect(await ann.ask({ type: 'leave' }, 'error')).toMatchObject({ code: 'NOT_IN_ROOM' });
  });

  it('lists rooms with their member counts from the registry', async () => {
    const ann = new FakeUser();
    const bob = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await bob.ask({ type: 'name', name: 'bob' }, 'named');
    await ann.ask({ type: 'join', room: 'Zoo' }, 'joined');
    await bob.ask({ type: 'join', room: 'zoo' }, 'joined');
    await bob.ask({ type: 'join', room: 'attic' }, 'joined');
    expect((await ann.ask({ type: 'rooms' }, 'rooms')).rooms).toEqual([
      { id: 'attic', userCount: 1 },
      { id: 'Zoo', userCount: 2 },
    ]);
    expect(await ann.ask({ type: 'users', room: 'attic' }, 'users')).toMatchObject({
      type: 'users',
      room: 'attic',
      users: ['bob'],
    });
  });

  it('joins a room again when it crashes', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    const from = ann.events.length;
    exit(ChatServer.whereis('lobby')!, 'kill');
    expect(await ann.waitFor('joined', from)).toEqual({
      type: 'joined',
      room: 'lobby',
      users: ['ann'],
      rejoined: true,
    });
  });

  it('ends on quit', async () => {
    const ann = new FakeUser();
    expect(await ann.ask({ type: 'quit' }, 'bye')).toEqual({ type: 'bye', reason: 'quit' });
  });
});
