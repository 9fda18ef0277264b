import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Database } from './database.js';
import { DataDirError, lockDataDir } from './data-dir-lock.js';
import { migrate } from './migrate.js';
import { createStore, type Store } from './store.js';

export interface StoreConfig {
  /** PostgreSQL connection string; when absent, the embedded database is used. */
  readonly databaseUrl?: string;
  /** Where the embedded database keeps its files; undefined keeps it in memory. */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly poolSize?: number;
  /** Named prepared statements on PostgreSQL; default from COFFER_PG_PREPARED (`off` turns them off, for PgBouncer in transaction mode). */
  readonly preparedStatements?: boolean;
  /** A streaming replica for reads (DATABASE_READ_URL); PostgreSQL only. */
  readonly readUrl?: string;
  /** Told the `host:port` the connector settled on (at start, after each failover). */
  readonly onServer?: (name: string) => void;
  /** The embedded data directory must already exist (verify, backup): a missing one is an error, not an empty ledger. */
  readonly mustExist?: boolean;
  /** Written in the data directory's lock file, for whoever finds it taken. */
  readonly purpose?: string;
  /** Called with a line saying what opening the database is doing (creating, migrating). */
  readonly onProgress?: (line: string) => void;
}

/**
 * The empty, migrated database `npm run build` leaves in dist/ (scripts/build-template.mjs): unpacking
 * it is much faster than creating a database. Absent when running from source; migrations still run after.
 */
const template = new URL('../../embedded-template.tar.gz', import.meta.url);

async function hasTemplate(): Promise<boolean> {
  return stat(template).then(
    () => true,
    () => false,
  );
}

/** True when the embedded data directory exists and holds a database. */
async function hasDatabase(dataDir: string): Promise<boolean> {
  return stat(`${dataDir}/PG_VERSION`).then(
    () => true,
    () => false,
  );
}

/** Connects to the configured backend and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const progress = config.onProgress ?? (() => undefined);
  let database: Database;
  if (config.databaseUrl !== undefined) {
    // Each driver is loaded only on its own path: the embedded database costs nothing on PostgreSQL and the reverse.
    const { connectPostgres } = await import('./postgres.js');
    database = await connectPostgres({
      connectionString: config.databaseUrl,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}),
      preparedStatements: config.preparedStatements ?? process.env.COFFER_PG_PREPARED !== 'off',
      ...(config.onServer !== undefined ? { onServer: config.onServer } : {}),
    });
  } else {
    const { connectPglite } = await import('./pglite.js');
    const { dataDir } = config;
    if (dataDir === undefined) {
      database = await connectPglite(undefined);
    } else {
      const exists = await hasDatabase(dataDir);
      if (!exists && config.mustExist === true)
        throw new DataDirError(`no embedded database at ${resolve(dataDir)} (set COFFER_DATA_DIR or start the server once)`);
      await mkdir(dataDir, { recursive: true });
      const lock = lockDataDir(dataDir, config.purpose ?? 'coffer');
      try {
        const prebuilt = !exists && (await hasTemplate());
        progress(
          exists
            ? `opening the embedded database in ${resolve(dataDir)}`
            : `creating the embedded database in ${resolve(dataDir)} (first start${prebuilt ? ', from the prebuilt empty database' : ''})`,
        );
        if (prebuilt) {
          const { unpackTemplate } = await import('./template.js');
          await unpackTemplate(template, dataDir);
        }
        const opened = await connectPglite(dataDir);
        database = { ...opened, close: () => opened.close().finally(() => lock.release()) };
      } catch (error) {
        lock.release();
        throw error;
      }
    }
  }
  try {
    const applied = await migrate(database, (file) => progress(`applying migration ${file}`));
    if (applied.length > 0) progress(`database schema up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied)`);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  if (config.readUrl !== undefined && config.databaseUrl !== undefined) {
    const { connectPostgres } = await import('./postgres.js');
    const replica = await connectPostgres({
      connectionString: config.readUrl,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      poolSize: config.poolSize ?? 10,
      replica: true,
      preparedStatements: config.preparedStatements ?? process.env.COFFER_PG_PREPARED !== 'off',
    });
    return createStore(database, replica);
  }
  return createStore(database);
}
