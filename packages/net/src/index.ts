/**
 * @otp-chat/net: the network plumbing the chat steps share. None of it knows about processes or
 * chat; the steps build their listener, connections and rooms on top of it.
 */
export { type BufferedSocket, sendBounded } from './bounded_send.js';
export { writeBounded } from './bounded_write.js';
export { FloodGate, type FloodVerdict } from './flood_gate.js';
export { LineClient, type LineClientOptions, type LineMatch } from './line_client.js';
export { type LineDecoderOptions, type LineError, TelnetLineDecoder } from './telnet_lines.js';
export { TokenBucket, type TokenBucketOptions } from './token_bucket.js';
