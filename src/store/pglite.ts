import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './database.js';

/** Keep int8 and numeric as strings, exactly like `pg` does, so money never passes through a float. */
const parsers = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

/**
 * Sized for one process serving one ledger, not for PGlite's defaults (128 MB of shared buffers, 64 MB
 * of maintenance memory): the WebAssembly heap grows to what these allow and never shrinks.
 * The operating system's file cache still holds the data files, so small buffers cost little.
 */
const settings = ['shared_buffers=16MB', 'work_mem=2MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB', 'wal_buffers=1MB', 'effective_cache_size=64MB'];

/**
 * The embedded database: PostgreSQL compiled to WebAssembly, in one process.
 * `dataDir` undefined means in memory (tests); a path keeps the data across restarts.
 */
export async function connectPglite(dataDir?: string, loadDataDir?: Blob): Promise<Database> {
  const db = await PGlite.create(dataDir, {
    parsers,
    ...(loadDataDir !== undefined ? { loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...settings.flatMap((setting) => ['-c', setting])],
  });
  const heap = (db as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod;
  const run = async <R extends Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<R[]> => {
    // PGlite answers on the microtask queue, without ever yielding to I/O: a request's claim and
    // its whole group would run before the next request is even read, so requests never met in a
    // group. Yielding first lets the requests that arrived meanwhile queue up and share the group.
    await new Promise((resolve) => setImmediate(resolve));
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
    heapBytes: () => heap?.HEAPU8?.byteLength,
    dumpDataDir: () => db.dumpDataDir('gzip'),
  };
}
