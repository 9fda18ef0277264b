import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './database.js';

/** Keep int8 and numeric as strings, exactly like `pg` does, so money never passes through a float. */
const parsers = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

/**
 * The embedded database: PostgreSQL compiled to WebAssembly, in one process.
 * `dataDir` undefined means in memory (tests); a path keeps the data across restarts.
 */
export async function connectPglite(dataDir?: string): Promise<Database> {
  const db = await PGlite.create(dataDir, { parsers });
  const run = async <R extends Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<R[]> => {
    const result = await target.query<R>(sql, params as unknown[] | undefined);
    return result.rows;
  };
  return {
    backend: 'pglite',
    query: (sql, params) => run(db, sql, params),
    transaction<T>(fn: (dbTx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) }));
    },
    close: () => db.close(),
  };
}
