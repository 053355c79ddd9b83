/**
 * `pnpm db:migrate` and `pnpm db:status`: the store's migrations from the command line.
 *
 *   cli.ts migrate [--data-dir <dir>]   applies what is pending, printing each name applied
 *   cli.ts status  [--data-dir <dir>]   lists every migration, applied or pending
 *
 * The database is PostgreSQL when DATABASE_URL is set, else SQLite in the data directory
 * (`--data-dir`, else OTP_CHAT_DATA_DIR, else `defaultDataDir()`), as the chat server picks it.
 * Whatever goes wrong (a bad URL, a server that does not answer, a migration that fails) is
 * one line on stderr and exit status 1; a bad command line, the usage and status 2.
 */
import { parseArgs } from 'node:util';
import { openStore, type StoreLocation } from './engine.ts';
import { defaultDataDir } from './location.ts';
import { migrateToLatest, migrationStatus } from './migrations/index.ts';

const USAGE = 'usage: pnpm db:migrate | pnpm db:status  [--data-dir <dir>]';
/** A server that has not answered in this long is not going to. */
const CONNECT_TIMEOUT_MS = 5000;

async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let command: string | undefined;
  let location: StoreLocation;
  try {
    // `pnpm db:status -- --data-dir x` hands the `--` on; it only separated pnpm's flags.
    const args = argv[0] === '--' ? argv.slice(1) : [...argv];
    const { values, positionals } = parseArgs({
      args,
      options: { 'data-dir': { type: 'string' } },
      allowPositionals: true,
    });
    [command] = positionals;
    if (positionals.length !== 1 || (command !== 'migrate' && command !== 'status')) {
      throw new Error(`expected migrate or status, got: ${positionals.join(' ') || 'nothing'}`);
    }
    location = {
      databaseUrl: env.DATABASE_URL,
      dataDir: values['data-dir'] ?? defaultDataDir(env),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  let store: ReturnType<typeof openStore> | undefined;
  try {
    store = openStore(location);
    console.log(`database: ${store.where} (${store.engine})`);
    if (command === 'migrate') {
      const applied = await migrateToLatest(store.writes, store.engine);
      for (const name of applied) console.log(`applied ${name}`);
      if (applied.length === 0) console.log('up to date');
    } else {
      for (const { name, applied } of await migrationStatus(store.writes, store.engine)) {
        console.log(`${applied ? 'applied' : 'pending'} ${name}`);
      }
    }
    return 0;
  } catch (error) {
    const where = store === undefined ? '' : ` (${store.where})`;
    console.error(`db:${command}: ${problem(error)}${where}`);
    return 1;
  } finally {
    await store?.close();
  }
}

/** One line for an error: Node's connection errors may carry only a code (ECONNREFUSED). */
function problem(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  return message || code || String(error);
}

process.exitCode = await main(process.argv.slice(2), process.env);
