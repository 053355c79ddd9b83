import type { ColumnDataType, ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

export type { Engine };

/**
 * A database as a migration sees it: typed by no schema, since a migration runs against the
 * schema of its own day, not today's (`Database`).
 */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's own type for a schema not known here
export type AnyDatabase = Kysely<any>;

/**
 * A table's own id, as each engine makes one: SQLite's `integer primary key autoincrement`
 * (never reused, even after the last row is deleted), PostgreSQL's identity column.
 */
export function idColumn(
  engine: Engine,
): [ColumnDataType, (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return engine === 'sqlite'
    ? ['integer', (column) => column.primaryKey().autoIncrement()]
    : ['bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity()];
}
