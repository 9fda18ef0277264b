import type { BankAccount } from '../domain/counterparty.js';
import type { EntryRow } from '../domain/store-port.js';
import type { Entry, Fee, Transaction, TransactionFilter, TransactionKind, TransactionStatus, TransactionWithEntries } from '../domain/transaction.js';
import type { Queryable, Row } from './database.js';
import { formatRate } from '../domain/rate.js';
import { exchangeDetailsOf } from './exchange-queries.js';
import { big, date, dateOrNull, json, text, textOrNull } from './rows.js';
import type { Params } from './sql-parts.js';

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

/**
 * Inserts many transactions in one statement, in the order given (their `seq` follows it).
 * An exchange's rate, quote and target amount are part of its row from the start (and so of its journal link).
 */
export function insertTransactionsSql(p: Params, transactions: readonly Transaction[], expiresAt: readonly (Date | null)[]): string {
  const column = <T>(read: (transaction: Transaction) => T) => transactions.map(read);
  const columns: [unknown[], string][] = [
    [column((t) => t.id), 'uuid[]'],
    [column((t) => t.kind), 'text[]'],
    [column((t) => t.status), 'text[]'],
    [column((t) => t.merchantId), 'text[]'],
    [column((t) => t.currencyId), 'uuid[]'],
    [column((t) => t.amount.toString()), 'bigint[]'],
    [column((t) => t.fromWalletId), 'uuid[]'],
    [column((t) => t.toWalletId), 'uuid[]'],
    [column((t) => t.description), 'text[]'],
    [column((t) => t.reference), 'text[]'],
    [column((t) => t.reason), 'text[]'],
    [column((t) => JSON.stringify(t.metadata)), 'jsonb[]'],
    [column((t) => feesJson(t.fees)), 'jsonb[]'],
    [column((t) => t.reversesId), 'uuid[]'],
    [column((t) => t.reversedAmount.toString()), 'bigint[]'],
    [column((t) => t.createdAt.toISOString()), 'timestamptz[]'],
    [column((t) => t.postedAt?.toISOString() ?? null), 'timestamptz[]'],
    [column((t) => (t.exchange ? formatRate(t.exchange.rate) : null)), 'text[]'],
    [column((t) => t.exchange?.quoteId ?? null), 'uuid[]'],
    [column((t) => t.exchange?.targetCurrencyId ?? null), 'uuid[]'],
    [column((t) => t.exchange?.targetAmount.toString() ?? null), 'bigint[]'],
    [column((t) => (t.counterparty ? JSON.stringify(t.counterparty) : null)), 'jsonb[]'],
    [expiresAt.map((at) => at?.toISOString() ?? null), 'timestamptz[]'],
  ];
  const names = `id, kind, status, merchant_id, currency_id, amount, from_wallet_id, to_wallet_id, description, reference, reason, metadata, fees,
                 reverses_id, reversed_amount, created_at, posted_at, exchange_rate, quote_id, target_currency_id, target_amount, counterparty, expires_at`;
  return `insert into transactions (${names})
   select ${names}
   from unnest(${columns.map(([values, type]) => p.add(values, type)).join(', ')}) with ordinality as v(${names}, n)
   order by n`;
}

/**
 * Inserts entries in one statement, in the order given, with the ids drawn for them beforehand
 * from the identity's sequence (`stampForPosting`), so a group's answers can name them before
 * the group's one write.
 */
export function insertEntriesSql(p: Params, entries: readonly EntryRow[], now: Date, ids: readonly string[]): string {
  const columns: [string, unknown[], string][] = [
    ['id', [...ids], 'bigint[]'],
    ['transaction_id', entries.map((e) => e.transactionId), 'uuid[]'],
    ['wallet_id', entries.map((e) => e.walletId), 'uuid[]'],
    ['balance_wallet_id', entries.map((e) => e.balanceWalletId), 'uuid[]'],
    ['currency_id', entries.map((e) => e.currencyId), 'uuid[]'],
    ['direction', entries.map((e) => e.direction), 'text[]'],
    ['amount', entries.map((e) => e.amount.toString()), 'bigint[]'],
    ['pending', entries.map((e) => e.pending), 'boolean[]'],
    ['balance_after', entries.map((e) => e.balanceAfter.toString()), 'numeric[]'],
    ['created_at', entries.map((e) => (e.createdAt ?? now).toISOString()), 'timestamptz[]'],
  ];
  const names = columns.map(([name]) => name).join(', ');
  return `insert into entries (${names}) overriding system value
   select ${names}
   from unnest(${columns.map(([, values, type]) => p.add(values, type)).join(', ')}) with ordinality as v(${names}, n)
   order by n`;
}

export function transactionQueries(db: Queryable) {
  return {
    async getTransaction(id: string): Promise<TransactionWithEntries | null> {
      const rows = await db.query('select * from transactions where id = $1', [id]);
      if (rows[0] === undefined) return null;
      const transaction = toTransaction(rows[0]);
      const entries = await db.query('select e.*, $2::text as kind from entries e where transaction_id = $1 order by id', [id, transaction.kind]);
      return { ...transaction, entries: entries.map(toEntry) };
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
