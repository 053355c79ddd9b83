/**
 * What a room tells its members: somebody said something, joined, or left.
 *
 * A room sends one RoomEvent object to all its members, whatever their transport. Each
 * transport turns it into its wire format with `event.encoded(encoder)`, and the event keeps
 * what each encoder made: a message to a room of a thousand is turned into JSON once and into
 * a telnet line once, not once per member (Phoenix's fastlane, socket.io-adapter's per-packet
 * encoding). The event never changes, so the cache is only a shortcut: every member would have
 * computed the same bytes. (An Erlang room gets the same effect by sending a binary, which the
 * processes of a node share instead of copying.)
 */
import type { Pid } from '@otp-chat/otp';

// #region event
/** The news a room sends; the fields are those of the WebSocket protocol's server messages. */
export type RoomNews =
  | {
      readonly type: 'message';
      readonly roomId: string;
      readonly from: string;
      readonly text: string;
      /** Milliseconds since 1970, from the room's clock: the room puts messages in order. */
      readonly timestamp: number;
      /** Its id in the room's history, and the history's epoch: when the server keeps history. */
      readonly id?: number;
      readonly epoch?: number;
    }
  | { readonly type: 'user_joined'; readonly roomId: string; readonly username: string }
  | { readonly type: 'user_left'; readonly roomId: string; readonly username: string }
  /** From step 7 on: a member's presence (see rooms.ts), and who is typing. */
  | PresenceNews
  /** From step 8 on: a member set what the room is about (`/topic`). */
  | {
      readonly type: 'topic';
      readonly roomId: string;
      readonly username: string;
      readonly description: string;
    };

/** Turns news into one wire format. The function itself is the key of the event's cache. */
export type NewsEncoder<Wire> = (news: RoomNews) => Wire;

export class RoomEvent {
  /** Encoders and what they made, in pairs: one or two wire formats are in use at a time. */
  readonly #encodings: unknown[] = [];

  constructor(
    readonly news: RoomNews,
    /** Whose message it is, for `message` news: that member's process. */
    readonly sender?: Pid,
  ) {}

  /** The news in `encoder`'s wire format, made by the first member that asks. */
  encoded<Wire>(encoder: NewsEncoder<Wire>): Wire {
    const encodings = this.#encodings;
    for (let i = 0; i < encodings.length; i += 2) {
      if (encodings[i] === encoder) return encodings[i + 1] as Wire;
    }
    const wire = encoder(this.news);
    encodings.push(encoder, wire);
    return wire;
  }
}
// #endregion event

/** A member set a status, or is typing (the typer's own session does not pass that on). */
export type PresenceNews =
  | {
      readonly type: 'status';
      readonly roomId: string;
      readonly username: string;
      readonly status: Status;
      /** What an away member left as a note (`/away gone for lunch`). */
      readonly message?: string;
    }
  | { readonly type: 'typing'; readonly roomId: string; readonly username: string };

/** A member is online, or away (still connected, not reading). */
export type Status = 'online' | 'away';
