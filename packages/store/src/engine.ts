/**
 * Opening the database: SQLite in a file under the data directory when no `DATABASE_URL` is
 * given (nothing to install), PostgreSQL when it names one. Both behind the same Kysely
 * instance, so that nothing above this file knows which engine it talks to.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { checkpointElsewhere } from './checkpointer.ts';
import { withoutPassword } from './location.ts';
import type { Database } from './schema.ts';
import { openSqliteFile } from './sqlite.ts';

export type Engine = 'sqlite' | 'postgres';

export interface StoreLocation {
  /** A `postgres://` (or `postgresql://`) URL; left out, SQLite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** Where the SQLite file lives (created if missing). */
  readonly dataDir: string;
  /**
   * How long to wait for a PostgreSQL connection before giving up (ms); 5 s when left out, so
   * that a database that is away fails a new connection in seconds, not at the kernel's TCP
   * timeouts (minutes).
   */
  readonly connectTimeoutMs?: number | undefined;
  /** PostgreSQL only: how long a read may take before it gives up (ms); READ_TIMEOUT_MS when left out. */
  readonly readTimeoutMs?: number | undefined;
  /**
   * SQLite only: open the file read-only (it must exist): every write fails, reads work. For
   * the tests of a read-only file, since root (as tests may run) writes whatever the mode bits.
   */
  readonly readonly?: boolean;
}

export interface OpenStore {
  /**
   * For reads and rooms: history pages, the catalog, retention. On PostgreSQL a pool of
   * READ_POOL_SIZE whose queries give up after READ_TIMEOUT_MS.
   */
  readonly db: Kysely<Database>;
  /**
   * For the message writer and migrations: on PostgreSQL a connection of its own, with no
   * timeout (a migration may rightly take long), so no read ever keeps a commit waiting for a
   * connection. On SQLite the same as `db` (one file, one connection: it runs statements one at
   * a time anyway).
   */
  readonly writes: Kysely<Database>;
  /** Closes both. */
  close(): Promise<void>;
  readonly engine: Engine;
  /** Where it is, for a log line: the SQLite file, or the URL without its password. */
  readonly where: string;
}

/** The SQLite file's name in the data directory. */
export const SQLITE_FILE = 'chat.sqlite3';

/** PostgreSQL connections for reads, and how long a read may take before it gives up. */
export const READ_POOL_SIZE = 4;
export const READ_TIMEOUT_MS = 30_000;

/** PostgreSQL's `int8` (type oid 20, our times and ids) read as a number, not a string. */
const INT8 = 20;

export function openStore(location: StoreLocation): OpenStore {
  const url = location.databaseUrl;
  if (url !== undefined && url !== '') return openPostgres(url, location);
  return openSqlite(location.dataDir, location.readonly ?? false);
}

function openPostgres(
  url: string,
  { connectTimeoutMs = 5_000, readTimeoutMs = READ_TIMEOUT_MS }: StoreLocation,
): OpenStore {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new RangeError(`DATABASE_URL: not a postgres:// URL: ${withoutPassword(url)}`);
  }
  const reads = postgresPool(url, connectTimeoutMs, READ_POOL_SIZE, readTimeoutMs);
  const writes = postgresPool(url, connectTimeoutMs, 1, undefined);
  const close = async () => {
    await Promise.all([reads.destroy(), writes.destroy()]);
  };
  return { db: reads, writes, close, engine: 'postgres', where: withoutPassword(url) };
}

/** A pool of `max` connections to `url`, whose queries give up after `statementTimeoutMs`, if set. */
function postgresPool(
  url: string,
  connectTimeoutMs: number,
  max: number,
  statementTimeoutMs: number | undefined,
): Kysely<Database> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8 ? Number : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max,
    // The server cancels a statement that runs too long, and the connection stays usable. (A
    // client-side timeout would hand the pool back a connection still busy with it.) Idle
    // connections are probed by TCP keepalive; a line that goes silent in the middle of a
    // query is left to TCP's own retransmission timeout.
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
  });
  // A connection that breaks while idle in the pool must not crash the server (an 'error' event
  // with no listener would): the pool drops it, the next query gets a fresh one, and its own
  // error if the database is still away.
  pool.on('error', (error) => {
    console.warn(
      `PostgreSQL (${withoutPassword(url)}): an idle connection failed: ${error.message}`,
    );
  });
  // A connection in use breaks too (a query on it is running, or about to): pg emits 'error' on
  // that client as well, where the pool has no listener while it is lent out. Its query fails
  // with the error, and whoever ran it says so; this listener only keeps the process up.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function openSqlite(dataDir: string, readonly: boolean): OpenStore {
  if (!readonly) mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const sqlite = openSqliteFile(file, readonly);
  // #region sqlite-pragmas
  // WAL: readers never wait for the writer, and a commit is one append to the log. (Read-only,
  // the file keeps the mode it was made with, WAL.)
  if (!readonly) sqlite.exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives the process being killed (the log is written before
  // the commit returns), and the file is never corrupt; a power cut may lose the last commits.
  sqlite.exec('PRAGMA synchronous = NORMAL');
  sqlite.exec('PRAGMA foreign_keys = ON');
  sqlite.exec('PRAGMA busy_timeout = 5000');
  // #endregion sqlite-pragmas
  // Checkpoints (the one fsync of WAL mode) in a thread of their own, not inside a commit.
  const checkpointer = readonly ? undefined : checkpointElsewhere(sqlite, file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite.database }) });
  const close = async () => {
    // The worker first: the server's connection, closed last, checkpoints what is left.
    await checkpointer?.stop();
    await db.destroy();
  };
  return { db, writes: db, close, engine: 'sqlite', where: file };
}
