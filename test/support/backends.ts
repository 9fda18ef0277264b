import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/connect.js';
import type { Store } from '../../src/store/store.js';

/**
 * Every storage test runs on each backend: PGlite always, PostgreSQL when TEST_DATABASE_URL is
 * set (CI always sets it). Each PostgreSQL store gets its own schema, dropped on close.
 */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<Store>;
}

const pglite: Backend = { name: 'pglite', open: () => openStore({}) };

function postgres(url: string): Backend {
  return {
    name: 'postgres',
    async open() {
      const schema = `coffer_test_${randomBytes(6).toString('hex')}`;
      const store = await openStore({ databaseUrl: url, schema, poolSize: 40 });
      const close = store.close;
      return {
        ...store,
        async close() {
          await store.database.query(`drop schema ${schema} cascade`).catch(() => undefined);
          await close();
        },
      };
    },
  };
}

export const backends: readonly Backend[] = [
  pglite,
  ...(process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '' ? [postgres(process.env.TEST_DATABASE_URL)] : []),
];
