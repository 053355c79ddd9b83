export { MESSAGE_WRITER, sqlStorage } from './chat_storage.ts';
export {
  type Engine,
  type OpenStore,
  openStore,
  SQLITE_FILE,
  type StoreLocation,
} from './engine.ts';
export {
  migrateTo,
  migrateToLatest,
  migrationStatus,
  migrations,
} from './migrations/index.ts';
export type { Database, MessageTable, RoomTable } from './schema.ts';
