import type { Counters } from '../domain/balance.js';
import type { AuditRecord } from '../domain/audit.js';
import type { Transaction } from '../domain/transaction.js';
import { insertAuditRecordsSql } from './audit-queries.js';
import type { Queryable } from './database.js';
import { type EventRow, insertEventsSql } from './event-queries.js';
import { completeIdempotencyKeysSql, type IdempotencyCompletion, lostCompletions } from './idempotency-queries.js';
import { insertJournalLinksSql, type JournalLink, moveJournalHeadSql } from './journal-queries.js';
import { Params } from './sql-parts.js';
import { type EntryRow, insertEntriesSql, insertTransactionsSql } from './transaction-queries.js';
import { writeCountersSql } from './wallet-queries.js';

/** Everything a group of postings writes, prepared in memory under its locks (services/set-posting.ts). */
export interface PostingWrite {
  readonly transactions: readonly Transaction[];
  /** With the ids drawn for them (`stampForPosting`), in the same order. */
  readonly entries: readonly EntryRow[];
  readonly entryIds: readonly string[];
  /** The final counters of every wallet the group changed; their rows are locked. */
  readonly counters: ReadonlyMap<string, Counters>;
  readonly events: readonly EventRow[];
  readonly audits: readonly Omit<AuditRecord, 'seq'>[];
  readonly completions: readonly IdempotencyCompletion[];
  /** Chained from the locked head; the head moves to the last. */
  readonly links: readonly JournalLink[];
  readonly now: Date;
}

/** The group's write: one statement, so the chain head (locked since the stamp) is held for one round trip more. */
export function postingQueries(db: Queryable) {
  return {
    /**
     * Writes a group in one statement of data-modifying parts (PostgreSQL runs each once, and
     * checks the foreign keys between them at its end). Returns the completions whose key another
     * request took over meanwhile: the caller must then roll back.
     */
    async writePostings(write: PostingWrite): Promise<IdempotencyCompletion[]> {
      const p = new Params();
      const parts: string[] = [];
      if (write.transactions.length > 0) parts.push(`transactions_written as (${insertTransactionsSql(p, write.transactions)})`);
      if (write.entries.length > 0) parts.push(`entries_written as (${insertEntriesSql(p, write.entries, write.now, write.entryIds)})`);
      if (write.counters.size > 0) parts.push(`counters_written as (${writeCountersSql(p, write.counters, write.now)})`);
      if (write.events.length > 0) parts.push(`events_written as (${insertEventsSql(p, write.events)})`);
      if (write.audits.length > 0) parts.push(`audit_written as (${insertAuditRecordsSql(p, write.audits)})`);
      const completing = write.completions.length > 0;
      if (completing) parts.push(`keys_completed as (${completeIdempotencyKeysSql(p, write.completions)})`);
      if (write.links.length > 0) {
        parts.push(`links_written as (${insertJournalLinksSql(p, write.links)})`, `head_moved as (${moveJournalHeadSql(p, write.links)})`);
      }
      if (parts.length === 0) return [];
      const done = completing ? `(select coalesce(json_agg(key), '[]'::json) from keys_completed)` : `'[]'::json`;
      const [row] = await db.query(`with ${parts.join(',\n')}\nselect ${done} as done`, p.values);
      const keys = row?.done;
      const doneKeys = (typeof keys === 'string' ? JSON.parse(keys) : keys) as string[];
      return lostCompletions(write.completions, doneKeys);
    },
  };
}
