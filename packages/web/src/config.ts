/**
 * What the WebSocket side needs to know: a step's settings (its ChatConfig has all of these and
 * more). The rest of what a connection needs, every transport shares (ConnectionConfig).
 */
import type { ConnectionConfig } from '@otp-chat/chat';

// #region config
export interface WebConfig extends ConnectionConfig {
  /** How many frames a second a client may send, sustained... */
  readonly linesPerSecond: number;
  /** ...and how many at once, in a burst. */
  readonly lineBurst: number;
  /** How many bytes may wait to be sent to a client that does not read before it is dropped. */
  readonly maxOutboundBytes: number;
  /** The largest frame accepted; ws closes the connection on a larger one. */
  readonly maxFrameBytes: number;
  /** How often a WebSocket is pinged; one that has not answered by the next ping is dropped. */
  readonly heartbeatMs: number;
}
// #endregion config
