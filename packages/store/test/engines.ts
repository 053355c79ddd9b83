/**
 * Each test of the store runs on both engines: SQLite in a fresh temporary directory, and the
 * PostgreSQL server named by TEST_DATABASE_URL (default: this machine's, user postgres) in a
 * database made for the test and dropped after it. Without a PostgreSQL server the PostgreSQL
 * tests do not run, and say so loudly; on CI (CI set) that is a failure, since .ci/run starts one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, it } from 'vitest';
import { type Engine, type OpenStore, openStore, type StoreLocation } from '../src/index.ts';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why PostgreSQL cannot be reached, or undefined when it can. */
export const postgresProblem = await postgresReachable();
if (postgresProblem !== undefined) {
  const reason = `PostgreSQL tests NOT RUN: cannot reach ${ADMIN_URL} (${postgresProblem})`;
  console.warn(`\n${'!'.repeat(100)}\n!! ${reason}\n${'!'.repeat(100)}\n`);
  if (process.env.CI) throw new Error(`${reason}; on CI, .ci/run must start PostgreSQL`);
}

/** A store open in a test, and where it is, for a test that opens it another way too (a CLI). */
export type TestStore = OpenStore & { readonly location: StoreLocation };

/** A store of its own, and where it is: to open it a second time, or reach it another way. */
export interface FreshStore {
  readonly store: TestStore;
  /** PostgreSQL: the test database's URL. */
  readonly url?: string;
  /** SQLite: the data directory. */
  readonly dataDir?: string;
}

/** A store of its own for one test: an empty SQLite directory, or an empty PostgreSQL database. */
async function freshStore(engine: Engine): Promise<FreshStore & { drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-store-'));
    const location = { dataDir };
    const store = { ...openStore(location), location };
    return {
      store,
      dataDir,
      drop: async () => {
        await store.db.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `otp_chat_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const location = { databaseUrl: url.href, dataDir: '' };
  const store = { ...openStore(location), location };
  return {
    store,
    url: url.href,
    drop: async () => {
      await store.db.destroy();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Runs `tests` once per engine. In a test, `await open()` gives a store of its own, empty and
 * not migrated; it is closed and dropped after the test.
 */
export function onEachEngine(tests: (open: () => Promise<TestStore>) => void): void {
  for (const engine of ['sqlite', 'postgres'] as const) {
    onEngine(engine, (open) => tests(async () => (await open()).store));
  }
}

/**
 * Runs `tests` on one engine (reported loudly as not run when it is PostgreSQL and there is
 * none). `await open()` gives a fresh store and where it is.
 */
export function onEngine(engine: Engine, tests: (open: () => Promise<FreshStore>) => void): void {
  if (engine === 'postgres' && postgresProblem !== undefined) {
    describe.skip(`on ${engine} (NOT RUN: no PostgreSQL)`, () => it('', () => {}));
    return;
  }
  describe(`on ${engine}`, () => {
    const opened: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const drop of opened.splice(0)) await drop();
    });
    tests(async () => {
      const { drop, ...fresh } = await freshStore(engine);
      opened.push(drop);
      return fresh;
    });
  });
}
