// Step 6: the chat on the web: a WebSocket transport with a typed JSON protocol and a browser
// client, beside the telnet one, both in the same rooms, on one chat core.

// The chat core and the telnet transport, whole: what chapter 5 teaches, in packages.
export * from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export * from '@otp-chat/telnet';
// The WebSocket transport (listener, connection, page files): what this chapter teaches, in a
// package too. The protocol and the page are the step's own, here.
export * from '@otp-chat/web';
export * from './application.ts';
export * from './client.ts';
export { type ChatConfig, defaultConfig, settings } from './config.ts';
export {
  decodeClientFrame,
  encodeEvent as encodeJsonEvent,
  jsonAdapter,
  jsonNews,
  toRequest,
} from './json_adapter.ts';
// Both the protocol and telnet export a `Decoded`; the step's is the protocol's, a frame's.
export type { Decoded } from './protocol.ts';
export * from './protocol.ts';
