/**
 * Databases for tests, made fresh and dropped after: an empty SQLite directory under the
 * system's temporary one, or an empty database on the PostgreSQL server TEST_DATABASE_URL
 * names (default: this machine's, user postgres). The store's tests and the chat steps' use
 * them; `@otp-chat/store/testing`, apart from the package's entry, since a server never needs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Engine, StoreLocation } from './engine.ts';

/** The server tests make their databases on, and connect to as its administrator. */
export const TEST_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<string | undefined> | undefined;

/**
 * Why the tests' PostgreSQL cannot be reached, or undefined when it can; asked once. A caller
 * reports PostgreSQL tests as not run, loudly, when there is a problem (see `notRunWithout`).
 */
export function postgresProblem(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new pg.Client({
      connectionString: TEST_ADMIN_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.end();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  })();
  return reachable;
}

/**
 * Says loudly that PostgreSQL tests will not run and why; on CI (CI set), where .ci/run starts
 * PostgreSQL, throws instead: tests that did not run must never read as passed.
 */
export function warnNotRun(problem: string): void {
  const reason = `PostgreSQL tests NOT RUN: cannot reach ${TEST_ADMIN_URL} (${problem})`;
  console.warn(`\n${'!'.repeat(100)}\n!! ${reason}\n${'!'.repeat(100)}\n`);
  if (process.env.CI) throw new Error(`${reason}; on CI, .ci/run must start PostgreSQL`);
}

/** Where a test's database is, and how to drop it once everything using it is closed. */
export interface ScratchDatabase {
  readonly engine: Engine;
  readonly location: StoreLocation;
  drop(): Promise<void>;
}

/** A database of its own for a test: empty, not migrated. */
export async function scratchDatabase(engine: Engine): Promise<ScratchDatabase> {
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-store-'));
    return {
      engine,
      location: { dataDir },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `otp_chat_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin(`create database ${name}`);
  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine,
    location: { databaseUrl: url.href, dataDir: '' },
    // WITH (FORCE): a server killed in a test may leave connections the kernel has not closed.
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export { startTcpProxy, type TcpProxy } from './tcp_proxy.ts';
