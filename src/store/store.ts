import type { TxStore } from '../domain/store-port.js';
import type { Database } from './database.js';
import { isRetryable } from './database.js';
import { apiKeyQueries } from './api-key-queries.js';
import { auditQueries } from './audit-queries.js';
import { seedQueries } from './seed-queries.js';
import { statementQueries } from './statement-queries.js';
import { currencyQueries } from './currency-queries.js';
import { holdQueries } from './hold-queries.js';
import { eventQueries } from './event-queries.js';
import { exchangeQueries } from './exchange-queries.js';
import { idempotencyQueries } from './idempotency-queries.js';
import { cardQueries } from './card-queries.js';
import { instrumentQueries } from './instrument-queries.js';
import { lifecycleQueries } from './lifecycle-queries.js';
import { journalQueries } from './journal-queries.js';
import { postingQueries } from './posting-queries.js';
import { transactionQueries } from './transaction-queries.js';
import { verifyQueries } from './verify-queries.js';
import { walletQueries } from './wallet-queries.js';
import { webhookQueries } from './webhook-queries.js';
import type { Queryable } from './database.js';

let savepointCounter = 0;

/** Runs `fn` under a savepoint: if it throws, only its own writes are rolled back. */
function savepoints(db: Queryable) {
  return {
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
    ...cardQueries(db),
    ...journalQueries(db),
    ...postingQueries(db),
    ...eventQueries(db),
    ...auditQueries(db),
    ...webhookQueries(db),
    ...exchangeQueries(db),
    ...seedQueries(db),
    ...statementQueries(db),
  };
}

export interface Store {
  readonly backend: Database['backend'];
  /** Reads and single-statement writes outside a database transaction (each commits on its own). */
  readonly read: TxStore;
  /**
   * Runs `fn` in one database transaction. A serialization failure or deadlock reported by the
   * database rolls back and runs `fn` again (a few times), so clients never see one.
   */
  transaction<T>(fn: (tx: TxStore) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The underlying database, for migrations, verification and tests. */
  readonly database: Database;
  /** A streaming replica for reads (DATABASE_READ_URL), when one is configured. */
  readonly replica?: ReadReplica;
}

/** Reads from a streaming replica, and where its replay stands against a consistency token. */
export interface ReadReplica {
  readonly read: TxStore;
  readonly database: Database;
  /** Has the replica replayed the WAL up to `lsn` (a token from `commitPosition`)? */
  caughtUp(lsn: string): Promise<boolean>;
  /** The primary's WAL position now: at or after the commit of every write already answered. */
  commitPosition(): Promise<string>;
}

/** A WAL position as PostgreSQL prints it (`16/B374D848`): the form of a consistency token. */
export const lsnPattern = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

export function readReplica(primary: Database, replica: Database): ReadReplica {
  return {
    read: storeTx(replica),
    database: replica,
    async caughtUp(lsn) {
      if (!lsnPattern.test(lsn)) return false;
      const [row] = await replica.query<{ caught: boolean | null }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as caught', [lsn]);
      return row?.caught === true;
    },
    async commitPosition() {
      const [row] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      return String(row?.lsn);
    },
  };
}

const retriesMax = 8;

export function createStore(database: Database, replica?: Database): Store {
  return {
    ...(replica !== undefined ? { replica: readReplica(database, replica) } : {}),
    backend: database.backend,
    read: storeTx(database),
    database,
    async transaction<T>(fn: (tx: TxStore) => Promise<T>): Promise<T> {
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
    async close() {
      await replica?.close();
      await database.close();
    },
  };
}
