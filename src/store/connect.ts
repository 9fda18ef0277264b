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
}

/** Connects to the configured backend and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  let database;
  if (config.databaseUrl !== undefined) {
    database = await connectPostgres({
      connectionString: config.databaseUrl,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}),
    });
  } else {
    if (config.dataDir !== undefined) await mkdir(config.dataDir, { recursive: true });
    database = await connectPglite(config.dataDir);
  }
  await migrate(database);
  return createStore(database);
}
