/**
 * A third transport, written here in a few dozen lines, to show that a transport is only an
 * adapter: an IRC-flavoured text protocol over plain messages between processes (no sockets).
 * It decodes its "wire" into session requests and encodes session events, and its users join
 * rooms and talk with telnet and WebSocket users, touching no session or room code: all it uses
 * of the step is its Session and the supervisor of connections.
 */
import type { NewsEncoder, Session, SessionEvent, SessionRequest } from '@otp-chat/chat';
import { DynamicSupervisor, type Pid, receive, send, spawnLink } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, stepWith, webStep } from '../step.ts';

type WithSession = StepUnderTest & Required<Pick<StepUnderTest, 'Session'>>;

// The adapter: `NICK ann`, `JOIN #room`, `PART #room`, `PRIVMSG #room :text`, `PRIVMSG bob :text`.
function decode(line: string): SessionRequest | undefined {
  const [, command, target = '', text = ''] = /^(\w+) ?([^ ]*)(?: :(.*))?$/.exec(line) ?? [];
  const room = target.replace(/^#/, '');
  switch (command) {
    case 'NICK':
      return { type: 'name', name: target };
    case 'JOIN':
      return { type: 'join', room };
    case 'PART':
      return { type: 'leave', room };
    case 'PRIVMSG':
      return target.startsWith('#')
        ? { type: 'say', room, text }
        : { type: 'private', to: target, text };
    default:
      return undefined;
  }
}

const ircNews: NewsEncoder<string | undefined> = (news) => {
  switch (news.type) {
    case 'message':
      return `:${news.from} PRIVMSG #${news.roomId} :${news.text}`;
    case 'user_joined':
      return `:${news.username} JOIN #${news.roomId}`;
    case 'user_left':
      return `:${news.username} PART #${news.roomId}`;
    default:
      // Presence (statuses, typing): later steps' news, which this adapter does not show.
      return undefined;
  }
};

function encode(event: SessionEvent, me: string | undefined): string | undefined {
  switch (event.type) {
    case 'joined':
      return `:${me} JOIN #${event.room} ${event.users.join(' ')}`;
    case 'room':
      return event.mine ? undefined : event.event.encoded(ircNews);
    case 'private':
      return `:${event.from} PRIVMSG ${me} :${event.text}`;
    case 'error':
      return `ERROR ${event.code} ${event.subject ?? ''}`.trimEnd();
    default:
      return undefined;
  }
}

/** A client of the test transport: what it sends goes to its connection process as messages. */
async function connectTest(
  step: WithSession,
): Promise<{ send(line: string): void; lines: string[] }> {
  const lines: string[] = [];
  const start = () => {
    const pid = spawnLink(async () => {
      const session: Session = new step.Session({
        transport: 'test',
        emit: (event) => {
          const line = encode(event, session.name);
          if (line !== undefined) lines.push(line);
        },
      });
      for (;;) {
        const message = await receive();
        if (await session.handleInfo(message)) continue;
        const request = typeof message === 'string' ? decode(message) : undefined;
        if (request !== undefined) await session.handle(request);
      }
    });
    return ['ok', pid] as const;
  };
  const started = await DynamicSupervisor.startChild(step.CONNECTIONS, {
    id: 'test',
    start,
    restart: 'temporary',
  });
  const pid = (started as readonly ['ok', Pid])[1];
  return { send: (line) => send(pid, line), lines };
}

export function customTransport(anyStep: StepUnderTest): void {
  const step = stepWith(webStep(anyStep), ['Session']);
  const chat = chatFixture(step);

  describe('a transport written in the test suite', () => {
    it('joins rooms and talks with telnet and WebSocket users, in public and in private', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await chat.webLogin('ada');
      const irc = await connectTest(step);
      const saw = (line: string) => vi.waitFor(() => expect(irc.lines).toContain(line));

      irc.send('NICK zed');
      irc.send('JOIN #lobby');
      await saw(':zed JOIN #lobby bob ada zed');
      await bob.expect('* zed joined lobby');
      await ada.expect('user_joined', (message) => message.username === 'zed');

      irc.send('PRIVMSG #lobby :hello from irc');
      expect(await bob.next()).toBe('zed: hello from irc');
      await ada.expect(
        'message',
        (message) => message.from === 'zed' && message.text === 'hello from irc',
      );

      bob.send('hi zed');
      await saw(':bob PRIVMSG #lobby :hi zed');
      ada.say('lobby', 'hi from the web');
      await saw(':ada PRIVMSG #lobby :hi from the web');

      irc.send('PRIVMSG ada :psst');
      await ada.expect('private', (message) => message.from === 'zed' && message.text === 'psst');
      irc.send('PRIVMSG bob :psst');
      await bob.expect('[private] zed: psst');
      ada.privateMessage('zed', 'back at you');
      await saw(':ada PRIVMSG zed :back at you');

      irc.send('PRIVMSG nobody :hello?');
      await saw('ERROR UNKNOWN_USER nobody');
      irc.send('PART #lobby');
      await bob.expect('* zed left lobby');
    });
  });
}
