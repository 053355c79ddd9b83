/**
 * Which SQLite library opens the file. Node 24 has SQLite built in (`node:sqlite`), so it needs
 * no native addon; Node 20 has none, and Node 22's is experimental (it warns on every start),
 * so those two use better-sqlite3. Node 24 must not load better-sqlite3 12: from Node 24.19 on,
 * a garbage-collected statement of it aborts the process (WiseLibs/better-sqlite3#1515; fixed
 * in 13, which needs Node 22). Both libraries run a statement synchronously, and both give
 * Kysely the same small interface (prepare, then all, run or iterate), so nothing above this
 * file knows which one is in use.
 */
import { createRequire } from 'node:module';
import type { SqliteDatabase } from 'kysely';

export type SqliteLibrary = 'node:sqlite' | 'better-sqlite3';

export interface SqliteFile {
  readonly library: SqliteLibrary;
  /** What Kysely's SqliteDialect drives. */
  readonly database: SqliteDatabase;
  /** Runs a PRAGMA (or any statement without results). */
  exec(sql: string): void;
}

const require = createRequire(import.meta.url);

/** The library for the running Node. */
export const SQLITE_LIBRARY: SqliteLibrary =
  Number(process.versions.node.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';

/** Opens `file` (read-only: it must exist, and every write fails). */
export function openSqliteFile(file: string, readonly: boolean): SqliteFile {
  return SQLITE_LIBRARY === 'node:sqlite'
    ? openBuiltIn(file, readonly)
    : openBetterSqlite3(file, readonly);
}

// #region node:sqlite
/** The part of node:sqlite used here (Node 20's types do not have the module). */
interface BuiltInStatement {
  columns(): unknown[];
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}
interface BuiltInDatabase {
  prepare(sql: string): BuiltInStatement;
  exec(sql: string): void;
  close(): void;
}
type BuiltInModule = {
  DatabaseSync: new (file: string, options: { readOnly: boolean }) => BuiltInDatabase;
};

function openBuiltIn(file: string, readonly: boolean): SqliteFile {
  const { DatabaseSync } = require('node:sqlite') as BuiltInModule;
  const sqlite = new DatabaseSync(file, { readOnly: readonly });
  const database: SqliteDatabase = {
    close: () => sqlite.close(),
    prepare(sql) {
      const statement = sqlite.prepare(sql);
      // Kysely reads rows from a statement that returns columns, and runs the others.
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...parameters),
        run: (parameters) => statement.run(...parameters),
        iterate: (parameters) => statement.iterate(...parameters),
      };
    },
  };
  return { library: 'node:sqlite', database, exec: (sql) => sqlite.exec(sql) };
}
// #endregion

// #region better-sqlite3
type BetterSqlite3 = typeof import('better-sqlite3');

function openBetterSqlite3(file: string, readonly: boolean): SqliteFile {
  const SQLite = require('better-sqlite3') as BetterSqlite3;
  const sqlite = new SQLite(file, { readonly, fileMustExist: readonly });
  return { library: 'better-sqlite3', database: sqlite, exec: (sql) => void sqlite.exec(sql) };
}
// #endregion
