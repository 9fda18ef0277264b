import type { Database } from './database.js';
import { isRetryable } from './database.js';
import { apiKeyQueries } from './api-key-queries.js';
import { auditQueries } from './audit-queries.js';
import { currencyQueries } from './currency-queries.js';
import { holdQueries } from './hold-queries.js';
import { eventQueries } from './event-queries.js';
import { exchangeQueries } from './exchange-queries.js';
import { idempotencyQueries } from './idempotency-queries.js';
import { instrumentQueries } from './instrument-queries.js';
import { lifecycleQueries } from './lifecycle-queries.js';
import { journalQueries } from './journal-queries.js';
import { transactionQueries } from './transaction-queries.js';
import { verifyQueries } from './verify-queries.js';
import { walletQueries } from './wallet-queries.js';
import { webhookQueries } from './webhook-queries.js';
import type { Queryable } from './database.js';

let savepointCounter = 0;

function savepoints(db: Queryable) {
  return {
    /** Runs `fn` under a savepoint: if it throws, only its own writes are rolled back. */
    async savepoint<T>(fn: () => Promise<T>): Promise<T> {
      const name = `coffer_sp_${++savepointCounter}`;
      await db.query(`savepoint ${name}`);
      try {
        const result = await fn();
        await db.query(`release savepoint ${name}`);
        return result;
      } catch (error) {
        await db.query(`rollback to savepoint ${name}`);
        throw error;
      }
    },
    /**
     * Like `savepoint`, but a success keeps the savepoint instead of releasing it: one round trip
     * less, for group commit, whose savepoints all end with the database transaction anyway.
     */
    async savepointKept<T>(fn: () => Promise<T>): Promise<T> {
      const name = `coffer_sp_${++savepointCounter}`;
      await db.query(`savepoint ${name}`);
      try {
        return await fn();
      } catch (error) {
        await db.query(`rollback to savepoint ${name}`);
        throw error;
      }
    },
  };
}

function storeTx(db: Queryable) {
  return {
    ...savepoints(db),
    ...currencyQueries(db),
    ...walletQueries(db),
    ...transactionQueries(db),
    ...idempotencyQueries(db),
    ...apiKeyQueries(db),
    ...verifyQueries(db),
    ...holdQueries(db),
    ...lifecycleQueries(db),
    ...instrumentQueries(db),
    ...journalQueries(db),
    ...eventQueries(db),
    ...auditQueries(db),
    ...webhookQueries(db),
    ...exchangeQueries(db),
  };
}

/** What the services may do with storage, with domain types in and out; one SQL implementation serves both backends. */
export type StoreTx = ReturnType<typeof storeTx>;

export interface Store {
  readonly backend: Database['backend'];
  /** Reads and single-statement writes outside a database transaction. */
  readonly read: StoreTx;
  /**
   * Runs `fn` in one database transaction. A serialization failure or deadlock reported by the
   * database rolls back and runs `fn` again (a few times), so clients never see one.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The underlying database, for migrations, verification and tests. */
  readonly database: Database;
}

const retriesMax = 8;

export function createStore(database: Database): Store {
  return {
    backend: database.backend,
    read: storeTx(database),
    database,
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await database.transaction((dbTx) => fn(storeTx(dbTx)));
        } catch (error) {
          if (!isRetryable(error) || attempt >= retriesMax) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
      }
    },
    async ping() {
      await database.query('select 1');
    },
    close: () => database.close(),
  };
}
