/**
 * What a room tells its members: somebody said something, joined, or left. The news is a
 * server message of the WebSocket protocol; a telnet member shows it as a line instead.
 *
 * A room sends one RoomEvent object to all its members, whichever way each is connected. Each
 * encoding is made the first time a member asks for it and kept, so a message to a room of a
 * thousand is turned into JSON once and into a telnet line once, not a thousand times. The
 * event never changes, so keeping an encoding is only a shortcut: every member would compute
 * the same bytes. (An Erlang room would get the same effect by sending a binary, which the
 * processes of a node share instead of copying.)
 */
import type { Pid } from '@otp-chat/otp';
import type { ServerMessageOf } from './protocol.ts';

// #region event
/** The news a room sends. */
export type RoomNews = ServerMessageOf<'message' | 'user_joined' | 'user_left'>;

export class RoomEvent {
  #frame: Buffer | undefined;
  #line: Buffer | undefined;

  constructor(
    readonly news: RoomNews,
    /** Whose message it is, for `message` news: that member's process. */
    readonly sender?: Pid,
  ) {}

  /** The news as the text of a WebSocket frame: its JSON, as UTF-8 bytes. */
  get frame(): Buffer {
    return (this.#frame ??= Buffer.from(JSON.stringify(this.news)));
  }

  /** The news as a telnet line, with its line end. */
  get line(): Buffer {
    return (this.#line ??= Buffer.from(`${asText(this.news)}\r\n`));
  }
}
// #endregion event

function asText(news: RoomNews): string {
  switch (news.type) {
    case 'message':
      return `${news.from}: ${news.text}`;
    case 'user_joined':
      return `* ${news.username} joined ${news.roomId}`;
    case 'user_left':
      return `* ${news.username} left ${news.roomId}`;
  }
}
