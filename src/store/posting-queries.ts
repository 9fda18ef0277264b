import type { Card } from '../domain/card.js';
import type { Quote } from '../domain/exchange.js';
import type { Entry } from '../domain/transaction.js';
import type { IdempotencyCompletion } from '../domain/idempotency.js';
import type { LockedTransaction } from '../domain/reservation.js';
import type { PostingWrite, TransactionUpdate } from '../domain/store-port.js';
import { toQuote } from './exchange-queries.js';
import { toReservation } from './hold-queries.js';
import { toCard } from './instrument-queries.js';
import { text } from './rows.js';
import { insertAuditRecordsSql } from './audit-queries.js';
import type { Queryable } from './database.js';
import { insertEventsSql } from './event-queries.js';
import { completeIdempotencyKeysSql, lostCompletions } from './idempotency-queries.js';
import { insertJournalLinksSql, moveJournalHeadSql } from './journal-queries.js';
import { Params } from './sql-parts.js';
import { insertEntriesSql, insertTransactionsSql, toEntry } from './transaction-queries.js';
import { writeCountersSql } from './wallet-queries.js';

function updateTransactionsSql(p: Params, updates: readonly TransactionUpdate[]): string {
  const rows = updates.map((u) => ({
    id: u.id,
    resolved: u.resolution !== null,
    status: u.resolution?.status ?? null,
    captured_amount: u.resolution?.capturedAmount?.toString() ?? null,
    resolved_at: u.resolution?.resolvedAt.toISOString() ?? null,
    posted_at: u.resolution?.postedAt?.toISOString() ?? null,
    reason: u.resolution?.reason ?? null,
    reversed_added: u.reversedAdded.toString(),
  }));
  return `update transactions t
   set status = case when v.resolved then v.status else t.status end,
       captured_amount = case when v.resolved then v.captured_amount else t.captured_amount end,
       resolved_at = case when v.resolved then v.resolved_at else t.resolved_at end,
       posted_at = case when v.resolved then v.posted_at else t.posted_at end,
       reason = case when v.resolved then v.reason else t.reason end,
       reversed_amount = t.reversed_amount + v.reversed_added
   from jsonb_to_recordset(${p.add(JSON.stringify(rows), 'jsonb')})
        as v(id uuid, resolved boolean, status text, captured_amount bigint, resolved_at timestamptz, posted_at timestamptz, reason text, reversed_added bigint)
   where t.id = v.id`;
}

/** The group's write: one statement, so the chain head (locked since the stamp) is held for one round trip more. */
export function postingQueries(db: Queryable) {
  return {
    /** Locks quotes (an exchange at a quoted rate), in id order. */
    async lockQuotes(ids: readonly string[]): Promise<Map<string, Quote>> {
      const rows = await db.query('select * from quotes where id = any($1::uuid[]) order by id for update', [[...new Set(ids)].sort()]);
      return new Map(rows.map((row) => [text(row.id), toQuote(row)]));
    },

    /**
     * Locks transaction rows (reservations to resolve, originals to reverse), in id order, and reads
     * the entries of the pending ones: a resolution seals them in its journal link; a reversal
     * needs none of its original's, and a resolved row is refused before its entries matter.
     */
    async lockTransactionsWithEntries(ids: readonly string[]): Promise<Map<string, LockedTransaction>> {
      const unique = [...new Set(ids)].sort();
      const rows = await db.query('select * from transactions where id = any($1::uuid[]) order by id for update', [unique]);
      const pending = rows.filter((row) => row.status === 'pending').map((row) => text(row.id));
      const entries =
        pending.length === 0
          ? []
          : await db.query(
              'select e.*, t.kind from entries e join transactions t on t.id = e.transaction_id where e.transaction_id = any($1::uuid[]) order by e.id',
              [pending],
            );
      const byTransaction = new Map<string, Entry[]>();
      for (const row of entries) {
        const entry = toEntry(row);
        byTransaction.set(entry.transactionId, [...(byTransaction.get(entry.transactionId) ?? []), entry]);
      }
      return new Map(
        rows.map((row) => {
          const { seq: _seq, ...reservation } = toReservation(row);
          return [reservation.id, { ...reservation, entries: byTransaction.get(reservation.id) ?? [] }];
        }),
      );
    },

    /** Cards by id (read under their wallets' locks, which every card change takes). */
    async getCards(ids: readonly string[]): Promise<Map<string, Card>> {
      const rows = await db.query('select * from cards where id = any($1::uuid[])', [[...new Set(ids)]]);
      return new Map(rows.map((row) => [text(row.id), toCard(row)]));
    },

    /**
     * Writes a group in one statement of data-modifying parts (PostgreSQL runs each once, and
     * checks the foreign keys between them at its end). Returns the completions whose key another
     * request took over meanwhile: the caller must then roll back.
     */
    async writePostings(write: PostingWrite): Promise<IdempotencyCompletion[]> {
      const p = new Params();
      const parts: string[] = [];
      if (write.transactions.length > 0) {
        parts.push(
          `transactions_written as (${insertTransactionsSql(
            p,
            write.transactions,
            write.transactions.map((t) => t.expiresAt ?? null),
          )})`,
        );
      }
      if (write.updates.length > 0) parts.push(`transactions_updated as (${updateTransactionsSql(p, write.updates)})`);
      if (write.entries.length > 0) parts.push(`entries_written as (${insertEntriesSql(p, write.entries, write.now, write.entryIds)})`);
      if (write.counters.size > 0) parts.push(`counters_written as (${writeCountersSql(p, write.counters, write.now)})`);
      if (write.quotesUsed.length > 0) {
        const used = write.quotesUsed.map((q) => ({ id: q.id, transaction_id: q.transactionId, used_at: q.at.toISOString() }));
        parts.push(`quotes_used as (update quotes q set used_at = v.used_at, transaction_id = v.transaction_id
          from jsonb_to_recordset(${p.add(JSON.stringify(used), 'jsonb')}) as v(id uuid, transaction_id uuid, used_at timestamptz) where q.id = v.id)`);
      }
      if (write.cardAuthorizations.length > 0) {
        const rows = write.cardAuthorizations.map((a) => ({
          id: a.id,
          card_id: a.cardId,
          merchant_name: a.merchantName,
          created_at: a.createdAt.toISOString(),
        }));
        parts.push(`card_authorizations_written as (insert into card_authorizations (id, card_id, merchant_name, created_at)
          select id, card_id, merchant_name, created_at
          from jsonb_to_recordset(${p.add(JSON.stringify(rows), 'jsonb')}) as v(id uuid, card_id uuid, merchant_name text, created_at timestamptz))`);
      }
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
