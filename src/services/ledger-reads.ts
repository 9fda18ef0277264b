import type { Actor } from '../domain/api-key.js';
import { balanceOf, type Balance } from '../domain/balance.js';
import type { Entry, Transaction, TransactionKind, TransactionStatus, TransactionWithEntries } from '../domain/transaction.js';
import { notFound, seesMovement, visibleEntries } from './access.js';
import type { ServiceContext } from './context.js';
import { decodeCursor, type Page, pageSize, sequencePattern, toPage } from './pagination.js';
import { walletOwners } from './wallet-refs.js';
import { visibleWallet } from './wallets.js';

export async function getTransaction(ctx: ServiceContext, actor: Actor, id: string): Promise<TransactionWithEntries> {
  const transaction = await ctx.store.read.getTransaction(id);
  if (transaction === null) throw notFound('transaction', id);
  if (actor.role === 'admin') return transaction;
  // A merchant sees its own movements and those between merchants that touch its wallets, and of them only its own wallets' entries.
  const sides = [transaction.fromWalletId, transaction.toWalletId].filter((side): side is string => side !== null);
  const owners = await walletOwners(ctx.store.read, [...sides, ...transaction.entries.map((entry) => entry.walletId)]);
  if (
    !seesMovement(
      actor,
      transaction.merchantId,
      sides.map((side) => owners.get(side)),
    )
  )
    throw notFound('transaction', id);
  return visibleEntries(actor, transaction, (walletId) => owners.get(walletId));
}

export interface TransactionListQuery {
  readonly walletId?: string;
  readonly kind?: TransactionKind;
  readonly status?: TransactionStatus;
  readonly cursor?: string;
  readonly limit?: number;
}

/** The store's filter of a transaction list as `actor` may see it (the cursor and page size aside). */
async function transactionFilter(ctx: ServiceContext, actor: Actor, query: TransactionListQuery) {
  if (query.walletId !== undefined) await visibleWallet(ctx, actor, query.walletId);
  return {
    // Filtered by one of its wallets, a merchant also sees the movements between merchants that touch it.
    ...(actor.role === 'merchant' && actor.merchantId !== null && query.walletId === undefined ? { merchantId: actor.merchantId } : {}),
    ...(query.walletId !== undefined ? { walletId: query.walletId } : {}),
    ...(query.kind !== undefined ? { kind: query.kind } : {}),
    ...(query.status !== undefined ? { status: query.status } : {}),
  };
}

/** How many transactions match the filters, whatever the cursor. */
export async function countTransactions(ctx: ServiceContext, actor: Actor, query: TransactionListQuery): Promise<number> {
  return ctx.store.read.countTransactions(await transactionFilter(ctx, actor, query));
}

export async function listTransactions(ctx: ServiceContext, actor: Actor, query: TransactionListQuery): Promise<Page<Transaction>> {
  const limit = pageSize(query.limit);
  const before = decodeCursor(query.cursor, sequencePattern);
  const rows = await ctx.store.read.listTransactions({
    ...(await transactionFilter(ctx, actor, query)),
    ...(before !== undefined ? { beforeSeq: BigInt(before) } : {}),
    limit: limit + 1,
  });
  return toPage(rows, limit, (row) => row.seq.toString());
}

/** A wallet's statement: posted entries, newest first, each with the posted balance after it. */
export async function listEntries(ctx: ServiceContext, actor: Actor, walletId: string, cursor?: string, limit?: number): Promise<Page<Entry>> {
  const wallet = await visibleWallet(ctx, actor, walletId);
  const size = pageSize(limit);
  const before = decodeCursor(cursor, sequencePattern);
  const rows = await ctx.store.read.listEntries(walletId, wallet.parentWalletId !== null, before === undefined ? null : BigInt(before), size + 1, true);
  return toPage(rows, size, (entry) => entry.id);
}

export interface BalanceReading {
  readonly walletId: string;
  readonly currencyId: string;
  readonly at: Date;
  readonly balance: Balance;
}

/** The balance now, or at a past instant recomputed from the entries. */
export async function readBalance(ctx: ServiceContext, actor: Actor, walletId: string, at?: Date): Promise<BalanceReading> {
  const wallet = await visibleWallet(ctx, actor, walletId);
  const balanceWalletId = wallet.parentWalletId ?? wallet.id;
  if (at === undefined) {
    const source = balanceWalletId === wallet.id ? wallet : await visibleWallet(ctx, actor, balanceWalletId);
    return { walletId, currencyId: wallet.currencyId, at: ctx.clock(), balance: balanceOf(source.counters, source.creditLimit) };
  }
  // Every money write still running is waited for: entries are stamped in commit order under the journal
  // head, so once none holds it, nothing can still appear at or before `at` (if `at` is not in the future).
  const past = await ctx.store.transaction(async (tx) => {
    await tx.awaitJournalWriters();
    return tx.postedBalanceAt(balanceWalletId, at);
  });
  const balance: Balance = {
    posted: past.posted,
    held: past.held,
    pending: past.pending,
    available: past.posted - past.held,
    ledger: past.posted + past.pending,
    creditLimit: wallet.creditLimit,
  };
  return { walletId, currencyId: wallet.currencyId, at, balance };
}

export interface TrialBalanceLine {
  readonly category: string;
  readonly type: string;
  readonly wallets: number;
  readonly posted: bigint;
  readonly pending: bigint;
}

export interface TrialBalanceCurrency {
  readonly currencyId: string;
  /** Beside the id: codes are not unique, so both are needed to read the report. */
  readonly currencyCode: string;
  readonly lines: readonly TrialBalanceLine[];
  readonly posted: bigint;
  readonly pending: bigint;
  readonly balanced: boolean;
}

/** Per currency, the totals of every kind of account, and whether they sum to zero. */
export async function trialBalance(ctx: ServiceContext): Promise<TrialBalanceCurrency[]> {
  const rows = await ctx.store.read.trialBalance();
  const byCurrency = new Map<string, TrialBalanceLine[]>();
  for (const row of rows) {
    const lines = byCurrency.get(String(row.currency_id)) ?? [];
    lines.push({
      category: String(row.category),
      type: String(row.type),
      wallets: Number(row.wallets),
      posted: BigInt(String(row.posted)),
      pending: BigInt(String(row.pending)),
    });
    byCurrency.set(String(row.currency_id), lines);
  }
  const codes = await ctx.store.read.currencyCodes([...byCurrency.keys()]);
  return [...byCurrency].map(([currencyId, lines]) => {
    const posted = lines.reduce((sum, line) => sum + line.posted, 0n);
    const pending = lines.reduce((sum, line) => sum + line.pending, 0n);
    return { currencyId, currencyCode: codes.get(currencyId) ?? '', lines, posted, pending, balanced: posted === 0n && pending === 0n };
  });
}
