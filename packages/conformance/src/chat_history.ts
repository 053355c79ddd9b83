import type { ChatFixture } from './fixture.ts';
import {
  type HistoryWebClient,
  historyClient,
  type ServerMessage,
  type ServerMessageOf,
} from './web_client.ts';

// What the history, catch-up and presence features share: clients of a step that keeps history,
// and the messages they say and get.

type Said = ServerMessageOf<'message'>;

/** A WebSocket client of a step that keeps history, joined to `room` as `name`. */
export async function historyLogin(
  chat: ChatFixture,
  name: string,
  room = 'lobby',
): Promise<HistoryWebClient> {
  return historyClient(await chat.webLogin(name, room));
}

/** A WebSocket client of a step that keeps history, connected, in no room yet. */
export async function historyWeb(chat: ChatFixture): Promise<HistoryWebClient> {
  return historyClient(await chat.web());
}

/** `client` says m`first`...m`last` in `room`, one at a time; resolves with the room's copies. */
export async function say(
  client: HistoryWebClient,
  first: number,
  last: number,
  room = 'lobby',
): Promise<Said[]> {
  const messages: Said[] = [];
  for (let n = first; n <= last; n++) {
    client.say(room, `m${n}`);
    messages.push(await client.expect('message', (message) => message.text === `m${n}`));
  }
  return messages;
}

/** The texts of a history page, or of messages. */
export function texts(
  messages: { messages: readonly { text: string }[] } | readonly { text: string }[],
): string[] {
  const list = Array.isArray(messages)
    ? messages
    : (messages as { messages: { text: string }[] }).messages;
  return list.map((message) => message.text);
}

/** The ids of messages, in the order given. */
export function ids(messages: readonly { id?: number }[]): (number | undefined)[] {
  return messages.map((message) => message.id);
}

/** 1, 2, ... `last`: the ids of a room that has said `last` messages. */
export function oneTo(last: number): number[] {
  return Array.from({ length: last }, (_, index) => index + 1);
}

/** The messages among `received`. */
export function messagesIn(received: readonly ServerMessage[]): Said[] {
  return received.filter((message): message is Said => message.type === 'message');
}

/** The telnet form of a message in a history replay: `[HH:MM] from: text`, the time in UTC. */
export function historyLine(from: string, text: string): RegExp {
  const escaped = `${from}: ${text}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\[([01]\\d|2[0-3]):[0-5]\\d\\] ${escaped}$`);
}

/**
 * The room's messages as a client got them, in order: those passed on live, and those of each
 * history its joins brought (a rejoin after a crash catches up with one).
 */
export function sequence(
  received: readonly ServerMessage[],
): { id: number | undefined; text: string }[] {
  return received.flatMap((message) => {
    if (message.type === 'message') return [{ id: message.id, text: message.text }];
    if (message.type === 'history') return message.messages.map(({ id, text }) => ({ id, text }));
    return [];
  });
}
