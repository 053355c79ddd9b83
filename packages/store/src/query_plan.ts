/**
 * How the database would run a query: its plan, one line a step, as SQLite's `EXPLAIN QUERY
 * PLAN` or PostgreSQL's `EXPLAIN` print it. Chapter 8 shows a history page's, to see that it
 * reads the index and only the page's rows, however long the room's history.
 */
import type { Compilable, Kysely } from 'kysely';
import type { Engine } from './engine.ts';
import type { Database } from './schema.ts';

export async function queryPlan(
  db: Kysely<Database>,
  engine: Engine,
  query: Compilable,
): Promise<string[]> {
  const compiled = query.compile();
  // The query as Kysely compiled it, its parameters still apart: the only text added is the
  // keyword that asks for the plan.
  const explain = engine === 'sqlite' ? 'explain query plan' : 'explain';
  const { rows } = await db.executeQuery<Record<string, unknown>>({
    ...compiled,
    sql: `${explain} ${compiled.sql}`,
  });
  return rows.map((row) => String(engine === 'sqlite' ? row.detail : row['QUERY PLAN']));
}
