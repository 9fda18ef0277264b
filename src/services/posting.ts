import { assert } from '../domain/assert.js';
import { CofferError } from '../domain/errors.js';
import { imbalance, type Leg, type Posting, post } from '../domain/posting.js';
import type { Entry, Transaction, TransactionStatus, TransactionWithEntries } from '../domain/transaction.js';
import type { Wallet, WalletState } from '../domain/wallet.js';
import { crossedBelow } from '../domain/balance.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { toWalletState } from '../store/wallet-queries.js';
import { recordTransactionEvent, recordWalletEvent } from './events.js';
import { appendJournal } from './journal.js';

/** A transaction ready to be written: the row, and the legs that move the counters. */
export interface Draft {
  readonly transaction: Transaction;
  readonly legs: readonly Leg[];
}

/**
 * The shape of every money-moving write, inside one database transaction:
 * lock the wallets in id order → apply the domain's posting rule → write the transaction,
 * its entries and the new counters. Wallet ids must include the parents of virtual wallets.
 */
export async function writeDraft(tx: StoreTx, draft: Draft, lockIds: readonly string[], now: Date): Promise<TransactionWithEntries> {
  const posting = await postLocked(tx, draft.legs, lockIds, true);
  // Stamped in commit order (store.ts `commitStamp`): a balance read with ?at= never changes afterwards.
  const stamp = await tx.commitStamp(now);
  const transaction: Transaction = { ...draft.transaction, createdAt: stamp, postedAt: draft.transaction.postedAt === null ? null : stamp };
  await tx.insertTransaction(transaction);
  const entries = await writePosting(tx, posting, transaction, stamp);
  // transaction.posted or transaction.pending, committed with the transaction or not at all.
  await recordTransactionEvent(tx, transaction, now);
  const written = { ...transaction, entries };
  // Last: it locks the chain head (held back to the end of the group under group commit, journal.ts `deferJournal`).
  await appendJournal(tx, transaction.id, written);
  return written;
}

/** How `appendToTransaction` resolves a pending transaction (a hold or a pending credit). */
export interface Resolution {
  readonly status: Exclude<TransactionStatus, 'pending'>;
  /** The amount posted by a capture or a settlement; null when nothing was posted. */
  readonly capturedAmount: bigint | null;
  /** False lets a release-only resolution (expiry) run on a wallet whose currency was deactivated. */
  readonly requireActiveCurrency: boolean;
  /** Why it was resolved so (a failed pending credit or payout), recorded as the transaction's `reason`; null keeps the reason it had. */
  readonly reason?: string | null;
}

/**
 * Like `writeDraft`, for an existing transaction the caller has locked: appends the entries of
 * `legs` to it (same transaction id) and sets its new status, in the caller's database transaction.
 * Returns the transaction's new entries only.
 */
export async function appendToTransaction(
  tx: StoreTx,
  transaction: Transaction,
  legs: readonly Leg[],
  lockIds: readonly string[],
  resolution: Resolution,
  now: Date,
): Promise<TransactionWithEntries> {
  const posting = await postLocked(tx, legs, lockIds, resolution.requireActiveCurrency);
  const stamp = await tx.commitStamp(now);
  const reason = resolution.reason ?? null;
  const resolved: Transaction = {
    ...transaction,
    status: resolution.status,
    postedAt: resolution.status === 'posted' ? stamp : transaction.postedAt,
    reason: reason ?? transaction.reason,
  };
  assert(
    await tx.resolveTransaction(transaction.id, resolution.status, resolution.capturedAmount, stamp, reason),
    `transaction ${transaction.id} was pending under lock`,
  );
  const entries = await writePosting(tx, posting, resolved, stamp);
  // transaction.posted, .voided, .expired or .failed, in the same database transaction.
  await recordTransactionEvent(tx, resolved, now);
  // A new link for the transaction's new state (status and entries), last as in writeDraft.
  await appendJournal(tx, transaction.id);
  return { ...resolved, entries };
}

/** Locks the wallets, checks the currencies and applies the posting rule; asserts the entries balance. */
async function postLocked(tx: StoreTx, legs: readonly Leg[], lockIds: readonly string[], requireActiveCurrency: boolean): Promise<LockedPosting> {
  const locked = await tx.lockWallets(lockIds);
  const states = new Map<string, WalletState>();
  for (const id of lockIds) {
    const wallet = locked.get(id);
    assert(wallet !== undefined, `wallet ${id} exists once referenced`);
    if (requireActiveCurrency && !wallet.currencyActive) {
      throw new CofferError('currency_inactive', `The currency of wallet ${id} is inactive: its wallets cannot move money.`);
    }
    states.set(id, toWalletState(wallet));
  }
  const posting = post(states, legs);
  for (const [currencyId, sums] of imbalance(posting.entries)) {
    assert(sums.posted === 0n && sums.pending === 0n, `entries balance in currency ${currencyId}`);
  }
  return { posting, wallets: locked };
}

/** A posting and the wallets as they were locked before it. */
interface LockedPosting {
  readonly posting: Posting;
  readonly wallets: ReadonlyMap<string, Wallet>;
}

/** Writes the entries and counters, and a wallet.balance_below_threshold event for each wallet whose available balance crossed its threshold. */
async function writePosting(tx: StoreTx, { posting, wallets }: LockedPosting, transaction: Transaction, now: Date): Promise<Entry[]> {
  for (const [id, after] of posting.counters) {
    const wallet = wallets.get(id);
    if (wallet !== undefined && crossedBelow(wallet.counters, after, wallet.lowBalanceThreshold)) {
      await recordWalletEvent(tx, 'wallet.balance_below_threshold', { ...wallet, counters: after }, now);
    }
  }
  const entryIds = await tx.insertEntries(
    posting.entries.map((entry) => ({ ...entry, transactionId: transaction.id })),
    now,
  );
  await tx.writeCounters(posting.counters, now);
  return posting.entries.map((entry, index) => ({
    ...entry,
    id: entryIds[index] ?? '',
    transactionId: transaction.id,
    kind: transaction.kind,
    createdAt: now,
  }));
}
