/**
 * Each test of the store runs on both engines: SQLite in a fresh temporary directory, and the
 * PostgreSQL server named by TEST_DATABASE_URL (default: this machine's, user postgres) in a
 * database made for the test and dropped after it. Without a PostgreSQL server the PostgreSQL
 * tests do not run, and say so loudly; on CI (CI set) that is a failure, since .ci/run starts one.
 */
import { afterEach, describe, it } from 'vitest';
import { type Engine, type OpenStore, openStore, type StoreLocation } from '../src/index.ts';
import { postgresProblem as problem, scratchDatabase, warnNotRun } from '../src/testing.ts';

/** Why PostgreSQL cannot be reached, or undefined when it can. */
export const postgresProblem = await problem();
if (postgresProblem !== undefined) warnNotRun(postgresProblem);

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
  const scratch = await scratchDatabase(engine);
  const { location } = scratch;
  const store = { ...openStore(location), location };
  const drop = async () => {
    await store.close();
    await scratch.drop();
  };
  if (location.databaseUrl !== undefined) return { store, url: location.databaseUrl, drop };
  return { store, dataDir: location.dataDir, drop };
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
