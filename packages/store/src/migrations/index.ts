/**
 * Every migration, in order. Listed here rather than read from a folder, so that the list is
 * checked by the compiler and works however the code is loaded. Never edit one that has
 * shipped: add the next.
 */
import { type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Engine } from '../engine.ts';
import { roomsAndMessages } from './0001_rooms_and_messages.ts';
import { roomNumbering } from './0002_room_numbering.ts';
import { roomLastSeq } from './0003_room_last_seq.ts';
import { roomListingOrder } from './0004_room_listing_order.ts';
import type { AnyDatabase } from './columns.ts';

export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_rooms_and_messages': roomsAndMessages(engine),
    '0002_room_numbering': roomNumbering,
    '0003_room_last_seq': roomLastSeq,
    '0004_room_listing_order': roomListingOrder,
  };
}

export function migrator(db: AnyDatabase, engine: Engine): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations(engine) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/** Applies every migration not applied yet; throws, naming the one that failed, if one does. */
export async function migrateToLatest(db: AnyDatabase, engine: Engine): Promise<string[]> {
  return applied(await migrator(db, engine).migrateToLatest());
}

/** Applies migrations up to `name` (the first one, for a test of what comes after it). */
export async function migrateTo(db: AnyDatabase, engine: Engine, name: string): Promise<string[]> {
  return applied(await migrator(db, engine).migrateTo(name));
}

function applied({ error, results = [] }: MigrationResultSet): string[] {
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const which = failed === undefined ? '' : ` in ${failed.migrationName}`;
    throw new Error(`migration failed${which}: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  return results.map((result) => result.migrationName);
}

/** Each migration, and whether it is applied: what `pnpm db:status` prints. */
export async function migrationStatus(
  db: AnyDatabase,
  engine: Engine,
): Promise<{ name: string; applied: boolean }[]> {
  const found = await migrator(db, engine).getMigrations();
  return found.map((migration) => ({
    name: migration.name,
    applied: migration.executedAt !== undefined,
  }));
}
