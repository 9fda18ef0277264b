/**
 * The ledger as stored, read back from PostgreSQL after the run: currencies, wallets with their
 * four counters, every transaction and every entry (in insertion order), quotes, the rates ever
 * set, and the number of journal links. Typed with bigint amounts, for the checks and the replay.
 */
import type { Counters } from '../../src/domain/balance.js';
import type { WalletCategory, WalletStatus } from '../../src/domain/wallet.js';

export interface WalletRow {
  readonly id: string;
  readonly currencyId: string;
  readonly category: WalletCategory;
  readonly type: string;
  readonly status: WalletStatus;
  readonly creditLimit: bigint;
  readonly parentWalletId: string | null;
  readonly counters: Counters;
}

export interface TransactionRow {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly currencyId: string;
  readonly amount: bigint;
  readonly fromWalletId: string | null;
  readonly toWalletId: string | null;
  readonly reference: string | null;
  readonly fees: readonly bigint[];
  readonly capturedAmount: bigint | null;
  readonly exchangeRate: string | null;
  readonly quoteId: string | null;
  readonly targetCurrencyId: string | null;
  readonly targetAmount: bigint | null;
}

export interface EntryRow {
  readonly id: bigint;
  readonly transactionId: string;
  readonly walletId: string;
  readonly balanceWalletId: string;
  readonly currencyId: string;
  readonly direction: 'debit' | 'credit';
  readonly amount: bigint;
  readonly pending: boolean;
  readonly balanceAfter: bigint;
}

export interface QuoteRow {
  readonly id: string;
  readonly rate: string;
  readonly amount: bigint;
  readonly targetAmount: bigint;
  readonly transactionId: string | null;
}

export interface Ledger {
  readonly fractions: ReadonlyMap<string, bigint>;
  readonly wallets: readonly WalletRow[];
  readonly transactions: readonly TransactionRow[];
  readonly entries: readonly EntryRow[];
  readonly quotes: readonly QuoteRow[];
  /** Every rate ever set, as "baseId>quoteId=rate". */
  readonly ratesSet: ReadonlySet<string>;
  readonly journalLinks: number;
}

type Row = Record<string, unknown>;
/** Runs one read-only statement: a pg client's, or a store's `database.query`. */
export type Query = (sql: string) => Promise<readonly Row[]>;
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const big = (value: unknown): bigint => BigInt(String(value));
const bigOrNull = (value: unknown): bigint | null => (value === null || value === undefined ? null : BigInt(String(value)));

export async function readLedger(query: Query): Promise<Ledger> {
  const currencies = await query('select id, fraction::text from currencies');
  const wallets = await query(`select id, currency_id, category, type, status, credit_limit::text, parent_wallet_id,
      debits_posted::text, credits_posted::text, debits_pending::text, credits_pending::text from wallets`);
  const transactions = await query(`select id, kind, status, currency_id, amount::text, from_wallet_id, to_wallet_id, reference, fees,
      captured_amount::text, exchange_rate, quote_id, target_currency_id, target_amount::text from transactions order by seq`);
  const entries = await query(`select id::text, transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount::text, pending,
      balance_after::text from entries order by id`);
  const quotes = await query('select id, rate, amount::text, target_amount::text, transaction_id from quotes');
  const rates = await query('select base_currency_id, quote_currency_id, rate from rate_history');
  const links = await query('select count(*)::int as n from journal');
  return {
    fractions: new Map(currencies.map((row) => [String(row.id), big(row.fraction)])),
    wallets: wallets.map((row) => ({
      id: String(row.id),
      currencyId: String(row.currency_id),
      category: String(row.category) as WalletCategory,
      type: String(row.type),
      status: String(row.status) as WalletStatus,
      creditLimit: big(row.credit_limit),
      parentWalletId: text(row.parent_wallet_id),
      counters: {
        debitsPosted: big(row.debits_posted),
        creditsPosted: big(row.credits_posted),
        debitsPending: big(row.debits_pending),
        creditsPending: big(row.credits_pending),
      },
    })),
    transactions: transactions.map((row) => ({
      id: String(row.id),
      kind: String(row.kind),
      status: String(row.status),
      currencyId: String(row.currency_id),
      amount: big(row.amount),
      fromWalletId: text(row.from_wallet_id),
      toWalletId: text(row.to_wallet_id),
      reference: text(row.reference),
      fees: (row.fees as { amount: string }[]).map((fee) => BigInt(fee.amount)),
      capturedAmount: bigOrNull(row.captured_amount),
      exchangeRate: text(row.exchange_rate),
      quoteId: text(row.quote_id),
      targetCurrencyId: text(row.target_currency_id),
      targetAmount: bigOrNull(row.target_amount),
    })),
    entries: entries.map((row) => ({
      id: big(row.id),
      transactionId: String(row.transaction_id),
      walletId: String(row.wallet_id),
      balanceWalletId: String(row.balance_wallet_id),
      currencyId: String(row.currency_id),
      direction: String(row.direction) as 'debit' | 'credit',
      amount: big(row.amount),
      pending: row.pending === true,
      balanceAfter: big(row.balance_after),
    })),
    quotes: quotes.map((row) => ({
      id: String(row.id),
      rate: String(row.rate),
      amount: big(row.amount),
      targetAmount: big(row.target_amount),
      transactionId: text(row.transaction_id),
    })),
    ratesSet: new Set(rates.map((row) => `${String(row.base_currency_id)}>${String(row.quote_currency_id)}=${String(row.rate)}`)),
    journalLinks: Number(links[0]?.n ?? 0),
  };
}
