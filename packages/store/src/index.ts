export { MESSAGE_WRITER, sqlStorage } from './chat_storage.ts';
export {
  type Engine,
  type OpenStore,
  openStore,
  READ_POOL_SIZE,
  READ_TIMEOUT_MS,
  SQLITE_FILE,
  type StoreLocation,
} from './engine.ts';
export { defaultDataDir, withoutPassword } from './location.ts';
export {
  migrateTo,
  migrateToLatest,
  migrationStatus,
  migrations,
} from './migrations/index.ts';
export { queryPlan } from './query_plan.ts';
export {
  CHUNK_SIZE,
  type Deleted,
  FIRST_SWEEP_MS,
  RetentionJob,
  type RetentionOptions,
  type SweepReply,
  sweep,
} from './retention.ts';
export { messagesBefore, pageBefore } from './rooms.ts';
export type { Database, MessageTable, RoomTable } from './schema.ts';
export { SQLITE_LIBRARY, type SqliteLibrary } from './sqlite.ts';
