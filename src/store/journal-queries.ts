import type { StampedHead } from '../domain/store-port.js';
import type { JournalHead, JournalLink } from '../domain/journal.js';
import type { Entry, TransactionWithEntries } from '../domain/transaction.js';
import type { Queryable } from './database.js';
import { big, text } from './rows.js';
import type { Params } from './sql-parts.js';
import { toEntry, toTransaction } from './transaction-queries.js';

function toLink(row: Record<string, unknown>): JournalLink {
  return { seq: big(row.seq), transactionId: text(row.transaction_id), previousHash: text(row.previous_hash), hash: text(row.hash), body: text(row.body) };
}

function toHead(row: Record<string, unknown>): JournalHead {
  return { seq: big(row.seq), hash: text(row.hash), transactionsBefore: big(row.transactions_before) };
}

/** Inserts consecutive links, from one JSON document (the bodies, JSON text themselves, then need no array-literal escaping). */
export function insertJournalLinksSql(p: Params, links: readonly JournalLink[]): string {
  const rows = links.map((link) => ({
    seq: link.seq.toString(),
    transaction_id: link.transactionId,
    previous_hash: link.previousHash,
    hash: link.hash,
    body: link.body,
  }));
  return `insert into journal (seq, transaction_id, previous_hash, hash, body)
   select seq, transaction_id, previous_hash, hash, body
   from json_to_recordset(${p.add(JSON.stringify(rows), 'json')}) as v(seq bigint, transaction_id uuid, previous_hash text, hash text, body text)`;
}

/** Moves the (locked) head to the last of `links`. */
export function moveJournalHeadSql(p: Params, links: readonly JournalLink[]): string {
  const last = links[links.length - 1];
  if (last === undefined) throw new Error('the head moves to a link');
  return `update journal_head set seq = ${p.add(last.seq.toString(), 'bigint')}, hash = ${p.add(last.hash, 'text')} where id = 1`;
}

/** SQL of the hash-chained journal (see `services/journal.ts`). */
export function journalQueries(db: Queryable) {
  return {
    /**
     * Locks the head and takes the commit stamp of this database transaction: the database's
     * clock when the head is locked, no earlier than `notBefore` (the service's clock), and later
     * than every stamp taken before (whose transactions held the head until they committed). The
     * database's clock is what makes a read `?at=` stable: a reader at T waits for the head's
     * holders, and any later holder stamps after T. (A service clock ahead of the database's, as
     * in the journal determinism test, wins, so a replay with a fixed clock stamps alike.)
     * With it, the chain head as it stands and the next `entryIdCount` entry ids, ascending: a
     * group (services/set-posting.ts) names its entries and chains its links before its one
     * write. Once per database transaction: the pipeline's group is its only money write.
     */
    async stampForPosting(notBefore: Date, entryIdCount: number): Promise<StampedHead> {
      const rows = await db.query(
        `with head as (
           update journal_head set stamped_at = greatest(clock_timestamp(), $1::timestamptz, coalesce(stamped_at, '-infinity'::timestamptz) + interval '1 millisecond')
           where id = 1 returning seq, hash, transactions_before, stamped_at
         )
         select head.*, (select coalesce(json_agg(nextval(pg_get_serial_sequence('entries', 'id')) order by g), '[]'::json)
                         from generate_series(1, $2::int) g) as entry_ids
         from head`,
        [notBefore.toISOString(), entryIdCount],
      );
      if (rows[0] === undefined) throw new Error('journal head row is missing: run the migrations');
      const drawn = rows[0].entry_ids;
      const entryIds = (typeof drawn === 'string' ? (JSON.parse(drawn) as unknown[]) : (drawn as unknown[])).map((id) => BigInt(String(id)));
      return {
        // Milliseconds, as every Date: the stored stamp is truncated alike.
        stamp: new Date(new Date(rows[0].stamped_at as string | Date).getTime()),
        head: toHead(rows[0]),
        entryIds: entryIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String),
      };
    },

    /** Waits until no money write holds the head (each commits before the reader goes on): for reads of the past. */
    async awaitJournalWriters(): Promise<void> {
      await db.query('select 1 from journal_head where id = 1 for share');
    },

    async readJournalHead(): Promise<JournalHead | null> {
      const rows = await db.query('select seq, hash, transactions_before from journal_head where id = 1');
      return rows[0] === undefined ? null : toHead(rows[0]);
    },

    /**
     * Links after `afterSeq` in chain order (at most `limit`), each flagged when it is the last
     * link of its transaction: only that one must match the transaction's current content.
     */
    async journalPage(afterSeq: bigint, limit: number): Promise<(JournalLink & { readonly latest: boolean })[]> {
      const rows = await db.query(
        `select j.seq, j.transaction_id, j.previous_hash, j.hash, j.body,
                not exists (select 1 from journal later where later.transaction_id = j.transaction_id and later.seq > j.seq) as latest
         from journal j where j.seq > $1 order by j.seq limit $2`,
        [afterSeq.toString(), limit],
      );
      return rows.map((row) => ({ ...toLink(row), latest: Boolean(row.latest) }));
    },

    /**
     * The transactions named, each with its entries in id order, read as `getTransaction` reads
     * one: `coffer verify` recomputes the bodies of a page of latest links from them in two
     * statements. An id with no transaction is absent from the map.
     */
    async transactionsWithEntries(ids: readonly string[]): Promise<Map<string, TransactionWithEntries>> {
      if (ids.length === 0) return new Map();
      // Every column, as `getTransaction` reads them: a column `toTransaction` learns later is never missed.
      const transactionRows = await db.query('select * from transactions where id = any($1::uuid[])', [ids]);
      // An entry's kind is its transaction's, joined here as `getTransaction` adds it.
      const entryRows = await db.query(
        `select e.*, t.kind from entries e join transactions t on t.id = e.transaction_id
         where e.transaction_id = any($1::uuid[]) order by e.id`,
        [ids],
      );
      const entries = new Map<string, Entry[]>();
      for (const row of entryRows) {
        const entry = toEntry(row);
        const list = entries.get(entry.transactionId);
        if (list === undefined) entries.set(entry.transactionId, [entry]);
        else list.push(entry);
      }
      const transactions = new Map<string, TransactionWithEntries>();
      for (const row of transactionRows) {
        const transaction = toTransaction(row);
        transactions.set(transaction.id, { ...transaction, entries: entries.get(transaction.id) ?? [] });
      }
      return transactions;
    },

    async journalLinkAt(seq: bigint): Promise<JournalLink | null> {
      const rows = await db.query('select seq, transaction_id, previous_hash, hash, body from journal where seq = $1', [seq.toString()]);
      return rows[0] === undefined ? null : toLink(rows[0]);
    },

    /** Transactions committed after the journal began that have no link (at most `limit`). */
    async unjournaledTransactions(transactionsBefore: bigint, limit: number): Promise<{ readonly id: string; readonly seq: bigint }[]> {
      const rows = await db.query(
        `select t.id, t.seq from transactions t
         where t.seq > $1 and not exists (select 1 from journal j where j.transaction_id = t.id)
         order by t.seq limit $2`,
        [transactionsBefore.toString(), limit],
      );
      return rows.map((row) => ({ id: text(row.id), seq: big(row.seq) }));
    },

    /** Transactions whose reversed amount differs from the sum of the reversals pointing at them. */
    async reversedAmountDiscrepancies(limit: number): Promise<{ readonly id: string; readonly stored: string; readonly reversals: string }[]> {
      const rows = await db.query(
        `select t.id, t.reversed_amount::text as stored, coalesce(r.total, 0)::text as reversals
         from transactions t
         left join (select reverses_id, sum(amount) as total from transactions where reverses_id is not null group by reverses_id) r on r.reverses_id = t.id
         where t.reversed_amount <> coalesce(r.total, 0)
         order by t.seq limit $1`,
        [limit],
      );
      return rows.map((row) => ({ id: text(row.id), stored: text(row.stored), reversals: text(row.reversals) }));
    },
  };
}
