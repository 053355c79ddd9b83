// Step 7: history, catch-up and presence: rooms keep their last messages, a join shows them,
// a client that reconnects gets exactly what it missed, and members show a status and typing.

// The chat core and the telnet transport, whole: what chapter 5 teaches, in packages.
export * from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
export * from '@otp-chat/telnet';
// The WebSocket transport (listener, connection, page files): what chapter 6 teaches, in a
// package. The protocol and the page are the step's own, here.
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
// So do the protocol and the chat core a `HistoryMessage`, a `MessageRef` and a `Status`: the
// step's are the protocol's schemas.
export type { Decoded } from './protocol.ts';
export * from './protocol.ts';
export { HistoryMessage, MessageRef, Status } from './protocol.ts';
