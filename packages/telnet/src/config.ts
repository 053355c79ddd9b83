/**
 * What the telnet side needs to know: a step's settings (its ChatConfig has all of these and
 * more), and the two things that differ between the steps that use it.
 */

// #region config
export interface TelnetConfig {
  /** The room everyone enters after giving a name. */
  readonly defaultRoom: string;
  /** How long a new connection has to give a valid name before it is closed. */
  readonly nameTimeoutMs: number;
  /** The longest line accepted, in bytes; a longer one is dropped with an error. */
  readonly maxLineBytes: number;
  /** How many lines a second a client may send, sustained... */
  readonly linesPerSecond: number;
  /** ...and how many at once, in a burst. */
  readonly lineBurst: number;
  /** How many bytes may wait to be sent to a client that does not read before it is dropped. */
  readonly maxOutboundBytes: number;
  /** How many lines a client has sent may wait unread in its connection's mailbox. */
  readonly maxUnreadInputs: number;
  /** How many rooms one user may be in at once. */
  readonly maxRoomsPerUser: number;
  /** The most rooms one listing (/rooms) shows. */
  readonly maxListedRooms: number;
  /** How long a named user may type nothing before being closed; 0 or none: never. */
  readonly idleTimeoutMs?: number;
  /**
   * The longest message, in characters. Step 5 leaves it out: there a message is as long as a
   * line may be (maxLineBytes). Step 6 brings the web page, and with it the chat's
   * 2,000-character rule for every transport (the Session's default).
   */
  readonly maxTextLength?: number;
  /**
   * What a connection is called in the supervision tree, before its client's address: step 6
   * says `telnet`, beside its WebSocket connections; without it, the address alone.
   */
  readonly label?: string;
  /**
   * Step 7's commands, off in the steps before it (there they are unknown commands, and /help
   * does not list them): `history` brings /history, and a join shows what was said before it;
   * `presence` brings /away and /back. See extra_commands.ts.
   */
  readonly history?: boolean;
  readonly presence?: boolean;
  /**
   * Step 8's commands, for a server with storage: /create and /topic, and /rooms shows every
   * stored room with its description. Off before it (unknown commands, not in /help).
   */
  readonly catalog?: boolean;
}
// #endregion config
