// Step 8: persistence: rooms and messages in a database (SQLite by default, PostgreSQL when
// DATABASE_URL names one), written by one process in batches, and broadcast once stored.

// The chat core and the telnet transport, whole: what chapter 5 teaches, in packages.
export * from '@otp-chat/chat';
export { asProcess, LineClient, type LineMatch } from '@otp-chat/net';
// The store (step 8): what the chapter and its REPL scripts use of it.
export {
  MESSAGE_WRITER,
  migrateToLatest,
  migrationStatus,
  openStore,
  pageBefore,
  queryPlan,
  RetentionJob,
  sqlStorage,
} from '@otp-chat/store';
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
