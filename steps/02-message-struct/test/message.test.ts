import { inspect } from 'node:util';
import { loop, Message, newMessage, type PostError } from '@otp-chat/02-message-struct';
import { type Pid, receive, self, send, spawn, TIMEOUT } from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function messagesOf(room: Pid): Promise<unknown> {
  send(room, ['get', self()]);
  const reply = await receive(Array.isArray, 5000);
  if (reply === TIMEOUT) throw new Error(`no reply from ${room}`);
  return reply;
}

afterEach(() => {
  vi.restoreAllMocks();
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

  it('keeps the content as it was written', () => {
    expect(newMessage('  spaced out  ')).toEqual(['ok', new Message('  spaced out  ')]);
  });
});

// Every way a post can be wrong, with the code it is turned down with.
const badPosts: ReadonlyArray<[string, unknown, PostError]> = [
  ['no input at all', undefined, 'content_not_a_string'],
  ['a number instead of text', 42, 'content_not_a_string'],
  ['an object without content', { username: 'gage' }, 'content_not_a_string'],
  ['content that is not text', { content: 42, username: 'gage' }, 'content_not_a_string'],
  ['empty text', '', 'empty_content'],
  ['text of only whitespace', ' \n\t ', 'empty_content'],
  ['empty content with a username', { content: '', username: 'gage' }, 'empty_content'],
  ['a username that is not text', { content: 'hi', username: 7 }, 'username_not_a_string'],
  ['a null username', { content: 'hi', username: null }, 'username_not_a_string'],
  ['an empty username', { content: 'hi', username: '' }, 'empty_username'],
  ['a username of only whitespace', { content: 'hi', username: '  ' }, 'empty_username'],
];

describe.each(badPosts)('a post with %s', (_case, input, code) => {
  it(`is an error: ${code}`, () => {
    expect(newMessage(input)).toEqual(['error', code]);
  });

  it('is dropped by the room with a warning giving the code; the messages stay as they were', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const room = spawn(() => loop());
    send(room, ['create', 'before']);
    send(room, ['create', input]);
    send(room, ['create', 'after']);
    expect(await messagesOf(room)).toEqual([new Message('before'), new Message('after')]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(new RegExp(`rejected .*: ${code}$`, 's'));
  });
});
