import { assert } from '../domain/assert.js';
import { CofferError } from '../domain/errors.js';
import { imbalance, type Leg, post } from '../domain/posting.js';
import type { Transaction, TransactionWithEntries } from '../domain/transaction.js';
import type { WalletState } from '../domain/wallet.js';
import type { StoreTx } from '../store/store.js';
import { toWalletState } from '../store/wallet-queries.js';
import { recordTransactionEvent } from './events.js';
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
  const locked = await tx.lockWallets(lockIds);
  const states = new Map<string, WalletState>();
  for (const id of lockIds) {
    const wallet = locked.get(id);
    assert(wallet !== undefined, `wallet ${id} exists once referenced`);
    if (!wallet.currencyActive) throw new CofferError('currency_inactive', `The currency of wallet ${id} is inactive: its wallets cannot move money.`);
    states.set(id, toWalletState(wallet));
  }
  const posting = post(states, draft.legs);
  for (const [currencyId, sums] of imbalance(posting.entries)) {
    assert(sums.posted === 0n && sums.pending === 0n, `entries balance in currency ${currencyId}`);
  }
  await tx.insertTransaction(draft.transaction);
  const entryIds = await tx.insertEntries(posting.entries.map((entry) => ({ ...entry, transactionId: draft.transaction.id })), now);
  await tx.writeCounters(posting.counters, now);
  // transaction.posted or transaction.pending, committed with the transaction or not at all.
  await recordTransactionEvent(tx, draft.transaction, now);
  // Last, so the chain-head lock is the last lock of the database transaction.
  await appendJournal(tx, draft.transaction.id);
  return {
    ...draft.transaction,
    entries: posting.entries.map((entry, index) => ({
      ...entry,
      id: entryIds[index] ?? '',
      transactionId: draft.transaction.id,
      kind: draft.transaction.kind,
      createdAt: now,
    })),
  };
}
