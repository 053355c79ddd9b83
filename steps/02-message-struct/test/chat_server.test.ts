import { loop, Message } from '@otp-chat/02-message-struct';
import { isAlive, type Pid, Process, receive, self, send, spawn, TIMEOUT } from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Asks the room for its messages and waits for the reply. */
async function messagesOf(room: Pid): Promise<unknown> {
  send(room, ['get', self()]);
  const reply = await receive(Array.isArray, 5000);
  if (reply === TIMEOUT) throw new Error(`no reply from ${room}`);
  return reply;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the room', () => {
  it('starts with no messages', async () => {
    const room = spawn(() => loop());
    expect(await messagesOf(room)).toEqual([]);
  });

  it('posts text alone as a Message from anon', async () => {
    const room = spawn(() => loop());
    send(room, ['create', 'hello world']);
    const [message] = (await messagesOf(room)) as Message[];
    expect(message).toBeInstanceOf(Message);
    expect(message).toEqual(new Message('hello world', 'anon'));
  });

  it('posts { content, username } as a Message with both', async () => {
    const room = spawn(() => loop());
    send(room, ['create', { content: 'hello world', username: 'gage' }]);
    expect(await messagesOf(room)).toEqual([new Message('hello world', 'gage')]);
  });

  it('posts { content } without a username as anon', async () => {
    const room = spawn(() => loop());
    send(room, ['create', { content: 'no name given' }]);
    expect(await messagesOf(room)).toEqual([new Message('no name given', 'anon')]);
  });

  it('keeps messages oldest first', async () => {
    const room = spawn(() => loop());
    send(room, ['create', 'first']);
    send(room, ['create', { content: 'second', username: 'gage' }]);
    send(room, ['create', 'third']);
    const contents = ((await messagesOf(room)) as Message[]).map((m) => m.content);
    expect(contents).toEqual(['first', 'second', 'third']);
  });

  it('carries on from the list it is given', async () => {
    const room = spawn(() => loop([new Message('earlier', 'gage')]));
    send(room, ['create', 'later']);
    expect(await messagesOf(room)).toEqual([
      new Message('earlier', 'gage'),
      new Message('later', 'anon'),
    ]);
  });

  it('sends the reply to the process named in the request, not to the sender', async () => {
    const room = spawn(() => loop());
    send(room, ['create', 'for the reader']);
    const tester = self();
    const reader = spawn(async () => {
      const list = await receive(Array.isArray, 5000);
      send(tester, ['reader got', list]);
    });
    send(room, ['get', reader]);
    const [, list] = (await receive((m) => Array.isArray(m) && m[0] === 'reader got', 5000)) as [
      string,
      unknown,
    ];
    expect(list).toEqual([new Message('for the reader')]);
  });

  it('never changes a list it has already sent', async () => {
    const room = spawn(() => loop());
    send(room, ['create', 'one']);
    const before = await messagesOf(room);
    send(room, ['create', 'two']);
    await messagesOf(room);
    expect(before).toEqual([new Message('one')]);
  });
});

describe('requests the room does not understand', () => {
  const unknown = ['hello?', ['get'], ['get', 'not a pid'], { create: 'text' }, ['delete', 'all']];

  it('drops each one with a warning that names it, and carries on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const room = spawn(() => loop());
    send(room, ['create', 'kept']);
    for (const request of unknown) send(room, request);
    expect(await messagesOf(room)).toEqual([new Message('kept')]);

    expect(warn).toHaveBeenCalledTimes(unknown.length);
    expect(String(warn.mock.calls[0]?.[0])).toContain("'hello?'");
    expect(String(warn.mock.calls[0]?.[0])).toContain(String(room));
    expect(isAlive(room)).toBe(true);
  });

  it('never leaves them in the mailbox', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const room = spawn(() => loop());
    for (let i = 0; i < 1000; i++) send(room, ['unknown', i]);
    await messagesOf(room);
    expect(Process.info(room)?.messageQueueLength).toBe(0);
  });
});
