import { inspect } from 'node:util';
import {
  ChatServer,
  ChatSupervisor,
  Message,
  newMessage,
  type PostError,
} from '@otp-chat/04-multi-room-registry';
import { isAlive, type Pid, Supervisor, unlink } from '@otp-chat/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let supervisor: Pid;

beforeAll(async () => {
  const result = await ChatSupervisor.startLink();
  if (result === 'ignore' || result[0] === 'error') throw new Error('the supervisor did not start');
  supervisor = result[1];
  unlink(supervisor);
  await ChatServer.createRoom('lobby');
});

afterAll(async () => {
  if (isAlive(supervisor)) await Supervisor.stop(supervisor);
});

describe('Message', () => {
  it('defaults its username to anon', () => {
    expect(new Message('hi')).toEqual({ content: 'hi', username: 'anon' });
  });

  it('prints with its name, like a struct', () => {
    expect(inspect(new Message('hello world', 'gage'))).toBe(
      "Message { content: 'hello world', username: 'gage' }",
    );
  });
});

describe('newMessage', () => {
  it('makes a Message from text alone, posted by anon', () => {
    expect(newMessage('hello')).toEqual(['ok', new Message('hello', 'anon')]);
  });

  it('makes a Message from content and username', () => {
    const [status, message] = newMessage({ content: 'hello', username: 'gage' });
    expect(status).toBe('ok');
    expect(message).toBeInstanceOf(Message);
    expect(message).toEqual(new Message('hello', 'gage'));
  });
});

// Every way a post can be wrong, with the code it is turned down with.
const badPosts: ReadonlyArray<[string, unknown, PostError]> = [
  ['no input at all', undefined, 'content_not_a_string'],
  ['a number instead of text', 42, 'content_not_a_string'],
  ['an object without content', { username: 'gage' }, 'content_not_a_string'],
  ['empty text', '', 'empty_content'],
  ['text of only whitespace', ' \n\t ', 'empty_content'],
  ['a username that is not text', { content: 'hi', username: 7 }, 'username_not_a_string'],
  ['an empty username', { content: 'hi', username: '' }, 'empty_username'],
];

describe.each(badPosts)('a post with %s', (_case, input, code) => {
  it(`is an error: ${code}`, () => {
    expect(newMessage(input)).toEqual(['error', code]);
  });

  it('is answered with the error by the room, whose messages stay as they were', async () => {
    const before = await ChatServer.getMessages('lobby');
    expect(await ChatServer.createMessage('lobby', input as string)).toEqual(['error', code]);
    expect(await ChatServer.getMessages('lobby')).toEqual(before);
    expect(await ChatServer.createMessage('lobby', 'fine')).toEqual(['ok', new Message('fine')]);
  });
});
