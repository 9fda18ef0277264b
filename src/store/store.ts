import type { QueuedLink } from '../domain/journal.js';
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
import { transactionQueries } from './transaction-queries.js';
import { verifyQueries } from './verify-queries.js';
import { walletQueries } from './wallet-queries.js';
import { webhookQueries } from './webhook-queries.js';
import type { Queryable } from './database.js';

let savepointCounter = 0;

/**
 * Journal links can be held back until the end of a database transaction (group commit does so:
 * the chain head, locked when links are written, must be the last lock a transaction takes, and a
 * group's requests run one after another). A savepoint rolled back drops the links queued under it.
 */
function journalQueue() {
  let queue: QueuedLink[] | null = null;
  return {
    /** From now on `queueJournalLink` holds links back, until `takeJournalQueue`. */
    deferJournal(): void {
      queue ??= [];
    },
    journalDeferred(): boolean {
      return queue !== null;
    },
    queueJournalLink(link: QueuedLink): void {
      if (queue === null) throw new Error('journal links are not deferred in this database transaction');
      queue.push(link);
    },
    /** The links held back, in order; the queue is empty (and still deferring) afterwards. */
    takeJournalQueue(): QueuedLink[] {
      const taken = queue ?? [];
      if (queue !== null) queue = [];
      return taken;
    },
    journalMark(): number {
      return queue?.length ?? 0;
    },
    dropJournalAfter(mark: number): void {
      if (queue !== null) queue.length = Math.min(queue.length, mark);
    },
  };
}

function savepoints(db: Queryable, journal: ReturnType<typeof journalQueue>, stamps: ReturnType<typeof commitStamp>) {
  return {
    /** Runs `fn` under a savepoint: if it throws, only its own writes (and journal links held back) are rolled back. */
    async savepoint<T>(fn: () => Promise<T>): Promise<T> {
      const name = `coffer_sp_${++savepointCounter}`;
      const mark = journal.journalMark();
      const stamped = stamps.stampTaken();
      await db.query(`savepoint ${name}`);
      try {
        const result = await fn();
        await db.query(`release savepoint ${name}`);
        return result;
      } catch (error) {
        journal.dropJournalAfter(mark);
        await db.query(`rollback to savepoint ${name}`);
        if (!stamped) stamps.forgetStamp();
        throw error;
      }
    },
    /**
     * Like `savepoint`, but a success keeps the savepoint instead of releasing it: one round trip
     * less, for group commit, whose savepoints all end with the database transaction anyway.
     */
    async savepointKept<T>(fn: () => Promise<T>): Promise<T> {
      const name = `coffer_sp_${++savepointCounter}`;
      const mark = journal.journalMark();
      const stamped = stamps.stampTaken();
      await db.query(`savepoint ${name}`);
      try {
        return await fn();
      } catch (error) {
        journal.dropJournalAfter(mark);
        await db.query(`rollback to savepoint ${name}`);
        if (!stamped) stamps.forgetStamp();
        throw error;
      }
    },
  };
}

/** The commit stamp of a database transaction: taken once, with the journal head, when its first entries are written. */
function commitStamp(db: Queryable) {
  let stamp: Promise<Date> | null = null;
  const journal = journalQueries(db);
  return {
    /** This database transaction's stamp for entries (locks the journal head the first time). */
    commitStamp(notBefore: Date): Promise<Date> {
      stamp ??= journal.stampJournalHead(notBefore);
      return stamp;
    },
    stampTaken(): boolean {
      return stamp !== null;
    },
    /** A savepoint rolled back the stamp (and the head's lock with it): the next write takes a new one. */
    forgetStamp(): void {
      stamp = null;
    },
  };
}

/** The store port over one connection or database transaction (it keeps a few helpers the port does not list). */
function storeTx(db: Queryable): TxStore {
  const journal = journalQueue();
  const stamps = commitStamp(db);
  return {
    ...stamps,
    ...journal,
    ...savepoints(db, journal, stamps),
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
