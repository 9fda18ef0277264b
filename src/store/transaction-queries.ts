import type { BankAccount } from '../domain/counterparty.js';
import type { PlannedEntry } from '../domain/posting.js';
import type { Entry, Fee, Transaction, TransactionFilter, TransactionKind, TransactionStatus, TransactionWithEntries } from '../domain/transaction.js';
import type { Queryable, Row } from './database.js';
import { formatRate } from '../domain/rate.js';
import { exchangeDetailsOf } from './exchange-queries.js';
import { big, date, dateOrNull, json, text, textOrNull } from './rows.js';

export function toTransaction(row: Row): Transaction {
  return {
    id: text(row.id),
    kind: text(row.kind) as TransactionKind,
    status: text(row.status) as TransactionStatus,
    merchantId: textOrNull(row.merchant_id),
    currencyId: text(row.currency_id),
    amount: big(row.amount),
    fromWalletId: textOrNull(row.from_wallet_id),
    toWalletId: textOrNull(row.to_wallet_id),
    description: textOrNull(row.description),
    reference: textOrNull(row.reference),
    reason: textOrNull(row.reason),
    metadata: json<Record<string, string>>(row.metadata),
    fees: json<{ amount: string; description: string | null }[]>(row.fees).map((fee) => ({ amount: BigInt(fee.amount), description: fee.description })),
    reversesId: textOrNull(row.reverses_id),
    reversedAmount: big(row.reversed_amount),
    createdAt: date(row.created_at),
    postedAt: dateOrNull(row.posted_at),
    exchange: exchangeDetailsOf(row),
    counterparty: row.counterparty === null || row.counterparty === undefined ? null : json<BankAccount>(row.counterparty),
  };
}

export function toEntry(row: Row): Entry {
  return {
    id: String(row.id),
    transactionId: text(row.transaction_id),
    kind: text(row.kind) as TransactionKind,
    walletId: text(row.wallet_id),
    balanceWalletId: text(row.balance_wallet_id),
    currencyId: text(row.currency_id),
    direction: text(row.direction) as Entry['direction'],
    amount: big(row.amount),
    pending: Boolean(row.pending),
    balanceAfter: big(row.balance_after),
    createdAt: date(row.created_at),
  };
}

function feesJson(fees: readonly Fee[]): string {
  return JSON.stringify(fees.map((fee) => ({ amount: fee.amount.toString(), description: fee.description })));
}

export function transactionQueries(db: Queryable) {
  /**
   * Writes many transactions in one statement, in the order given (their `seq` follows it).
   * An exchange's rate, quote and target amount are part of its row from the start (and so of its journal link).
   */
  async function insertTransactions(transactions: readonly Transaction[]): Promise<void> {
    if (transactions.length === 0) return;
    const column = <T>(read: (transaction: Transaction) => T) => transactions.map(read);
    await db.query(
      `insert into transactions (id, kind, status, merchant_id, currency_id, amount, from_wallet_id, to_wallet_id, description, reference,
                                 reason, metadata, fees, reverses_id, reversed_amount, created_at, posted_at,
                                 exchange_rate, quote_id, target_currency_id, target_amount, counterparty)
       select id, kind, status, merchant_id, currency_id, amount, from_wallet_id, to_wallet_id, description, reference,
              reason, metadata, fees, reverses_id, reversed_amount, created_at, posted_at,
              exchange_rate, quote_id, target_currency_id, target_amount, counterparty
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::bigint[], $7::uuid[], $8::uuid[], $9::text[], $10::text[],
                   $11::text[], $12::jsonb[], $13::jsonb[], $14::uuid[], $15::bigint[], $16::timestamptz[], $17::timestamptz[],
                   $18::text[], $19::uuid[], $20::uuid[], $21::bigint[], $22::jsonb[])
            with ordinality as v(id, kind, status, merchant_id, currency_id, amount, from_wallet_id, to_wallet_id, description, reference,
                                 reason, metadata, fees, reverses_id, reversed_amount, created_at, posted_at,
                                 exchange_rate, quote_id, target_currency_id, target_amount, counterparty, n)
       order by n`,
      [
        column((t) => t.id),
        column((t) => t.kind),
        column((t) => t.status),
        column((t) => t.merchantId),
        column((t) => t.currencyId),
        column((t) => t.amount.toString()),
        column((t) => t.fromWalletId),
        column((t) => t.toWalletId),
        column((t) => t.description),
        column((t) => t.reference),
        column((t) => t.reason),
        column((t) => JSON.stringify(t.metadata)),
        column((t) => feesJson(t.fees)),
        column((t) => t.reversesId),
        column((t) => t.reversedAmount.toString()),
        column((t) => t.createdAt.toISOString()),
        column((t) => t.postedAt?.toISOString() ?? null),
        column((t) => (t.exchange ? formatRate(t.exchange.rate) : null)),
        column((t) => t.exchange?.quoteId ?? null),
        column((t) => t.exchange?.targetCurrencyId ?? null),
        column((t) => t.exchange?.targetAmount.toString() ?? null),
        column((t) => (t.counterparty ? JSON.stringify(t.counterparty) : null)),
      ],
    );
  }

  return {
    async insertTransaction(transaction: Transaction): Promise<void> {
      await insertTransactions([transaction]);
    },

    insertTransactions,

    /** Writes the entries of one or more transactions in one statement, in the order given. */
    async insertEntries(entries: readonly (PlannedEntry & { readonly transactionId: string; readonly createdAt?: Date })[], now: Date): Promise<string[]> {
      if (entries.length === 0) return [];
      const rows = await db.query(
        `insert into entries (transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount, pending, balance_after, created_at)
         select t, w, b, c, d, a, p, ba, at
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::boolean[], $8::numeric[], $9::timestamptz[])
              with ordinality as v(t, w, b, c, d, a, p, ba, at, n)
         order by n
         returning id`,
        [
          entries.map((e) => e.transactionId),
          entries.map((e) => e.walletId),
          entries.map((e) => e.balanceWalletId),
          entries.map((e) => e.currencyId),
          entries.map((e) => e.direction),
          entries.map((e) => e.amount.toString()),
          entries.map((e) => e.pending),
          entries.map((e) => e.balanceAfter.toString()),
          entries.map((e) => (e.createdAt ?? now).toISOString()),
        ],
      );
      // Identity values are drawn in insertion order: ascending ids are the entries in the order given.
      return rows
        .map((row) => BigInt(String(row.id)))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map(String);
    },

    async getTransaction(id: string): Promise<TransactionWithEntries | null> {
      const rows = await db.query('select * from transactions where id = $1', [id]);
      if (rows[0] === undefined) return null;
      const transaction = toTransaction(rows[0]);
      const entries = await db.query('select e.*, $2::text as kind from entries e where transaction_id = $1 order by id', [id, transaction.kind]);
      return { ...transaction, entries: entries.map(toEntry) };
    },

    /** Locks one transaction row (reversals, captures) and returns it. */
    async lockTransaction(id: string): Promise<Transaction | null> {
      const rows = await db.query('select * from transactions where id = $1 for update', [id]);
      return rows[0] === undefined ? null : toTransaction(rows[0]);
    },

    /** Marks a pending transaction resolved (the caller holds its row lock and checked it is pending). */
    async resolveTransaction(id: string, status: TransactionStatus, capturedAmount: bigint | null, now: Date, reason: string | null = null): Promise<boolean> {
      const rows = await db.query(
        `update transactions set status = $2, captured_amount = $3, resolved_at = $4,
                posted_at = case when $2 = 'posted' then $4 else posted_at end,
                reason = coalesce($5, reason)
         where id = $1 and status = 'pending' returning id`,
        [id, status, capturedAmount?.toString() ?? null, now, reason],
      );
      return rows.length === 1;
    },

    async addReversedAmount(id: string, amount: bigint): Promise<void> {
      await db.query('update transactions set reversed_amount = reversed_amount + $2 where id = $1', [id, amount.toString()]);
    },

    async listTransactions(filter: TransactionFilter): Promise<(Transaction & { readonly seq: bigint })[]> {
      const rows = await db.query(
        `select * from transactions
         where ($1::text is null or merchant_id = $1)
           and ($2::uuid is null or from_wallet_id = $2 or to_wallet_id = $2)
           and ($3::text is null or kind = $3) and ($4::text is null or status = $4)
           and ($5::bigint is null or seq < $5)
         order by seq desc limit $6`,
        [filter.merchantId ?? null, filter.walletId ?? null, filter.kind ?? null, filter.status ?? null, filter.beforeSeq?.toString() ?? null, filter.limit],
      );
      return rows.map((row) => ({ ...toTransaction(row), seq: big(row.seq) }));
    },

    /** How many transactions match `listTransactions`' filters, whatever the cursor. */
    async countTransactions(filter: Omit<TransactionFilter, 'beforeSeq' | 'limit'>): Promise<number> {
      const rows = await db.query(
        `select count(*)::text as total from transactions
         where ($1::text is null or merchant_id = $1)
           and ($2::uuid is null or from_wallet_id = $2 or to_wallet_id = $2)
           and ($3::text is null or kind = $3) and ($4::text is null or status = $4)`,
        [filter.merchantId ?? null, filter.walletId ?? null, filter.kind ?? null, filter.status ?? null],
      );
      return Number(rows[0]?.total ?? 0);
    },

    /**
     * A wallet's statement, newest first. A balance-holding wallet's statement is every entry that
     * moved its counters (its own and its virtual wallets'); a virtual wallet's is the entries
     * attributed to it. Either way one index range is read, newest first, never the whole history.
     */
    async listEntries(walletId: string, virtual: boolean, beforeId: bigint | null, limit: number, postedOnly: boolean): Promise<Entry[]> {
      const column = virtual ? 'wallet_id' : 'balance_wallet_id';
      const rows = await db.query(
        `select e.*, t.kind from entries e join transactions t on t.id = e.transaction_id
         where e.${column} = $1 and ($2::bigint is null or e.id < $2) and (not $4 or not e.pending)
         order by e.id desc limit $3`,
        [walletId, beforeId?.toString() ?? null, limit, postedOnly],
      );
      return rows.map(toEntry);
    },

    /** Posted credits − debits of a wallet's balance from its entries up to an instant. */
    async postedBalanceAt(walletId: string, at: Date): Promise<{ posted: bigint; held: bigint; pending: bigint }> {
      const rows = await db.query(
        `select coalesce(sum(case when not pending and direction = 'credit' then amount when not pending then -amount else 0 end), 0)::text as posted,
                coalesce(sum(case when pending and direction = 'debit' then amount else 0 end), 0)::text as held,
                coalesce(sum(case when pending and direction = 'credit' then amount else 0 end), 0)::text as pending
         from entries where balance_wallet_id = $1 and created_at <= $2`,
        [walletId, at],
      );
      const row = rows[0] as Row;
      return { posted: big(row.posted), held: big(row.held), pending: big(row.pending) };
    },

    /** Per currency and wallet category: totals of posted and pending balances. */
    async trialBalance(): Promise<Row[]> {
      return db.query(
        `select currency_id, category, type, count(*)::int as wallets,
                sum(credits_posted - debits_posted)::text as posted, sum(credits_pending - debits_pending)::text as pending
         from wallets where parent_wallet_id is null group by currency_id, category, type order by currency_id, category, type`,
      );
    },
  };
}
