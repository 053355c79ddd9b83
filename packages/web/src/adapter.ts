/**
 * What a step's WebSocket protocol is to the connection: the step writes the protocol (its
 * schemas, its messages) and passes it to the web listener as a JsonAdapter, so the listener
 * and the connection stay as they are when a later step adds messages.
 */
import type { SessionEvent, SessionRequest } from '@otp-chat/chat';

/**
 * The errors the connection itself sends, whatever the protocol: a binary frame, a flood, and
 * the reasons it closes. A protocol's error codes include these.
 */
export type ConnectionErrorCode =
  | 'INVALID_JSON'
  | 'RATE_LIMITED'
  | 'TIMED_OUT'
  | 'SERVER_SHUTDOWN'
  | 'TOO_SLOW';

// #region adapter
/** A protocol of JSON messages in text frames, as the connection uses it. */
export interface JsonAdapter {
  /** A text frame as a request for the session, or the error message that answers it. */
  decode(frame: string): readonly ['ok', SessionRequest] | readonly ['error', object];
  /**
   * What the session said, as the message to send: an object, sent as its JSON; a room's news,
   * encoded once for every member already; several messages, sent in order (a join in step 7
   * is answered by `joined`, then the room's history); or nothing, for an event the protocol
   * leaves out.
   */
  encode(event: SessionEvent): object | Buffer | readonly (object | Buffer)[] | undefined;
  /** The message for one of the connection's own errors. */
  errorMessage(code: ConnectionErrorCode, text: string): object;
  /** Why a room dropped the user, sent before the close; nothing: a plain `bye`. */
  byeText(event: Extract<SessionEvent, { type: 'bye' }>): string | undefined;
}
// #endregion adapter
