import { mkdir } from 'node:fs/promises';
import { migrate } from './migrate.js';
import { connectPglite } from './pglite.js';
import { connectPostgres } from './postgres.js';
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
}

/** Connects to the configured backend and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  let database;
  if (config.databaseUrl !== undefined) {
    database = await connectPostgres({
      connectionString: config.databaseUrl,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}),
      preparedStatements: config.preparedStatements ?? process.env.COFFER_PG_PREPARED !== 'off',
      ...(config.onServer !== undefined ? { onServer: config.onServer } : {}),
    });
  } else {
    if (config.dataDir !== undefined) await mkdir(config.dataDir, { recursive: true });
    database = await connectPglite(config.dataDir);
  }
  await migrate(database);
  if (config.readUrl !== undefined && config.databaseUrl !== undefined) {
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
