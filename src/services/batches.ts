import type { Actor } from '../domain/api-key.js';
import { CofferError, isCofferError } from '../domain/errors.js';
import type { TransactionWithEntries } from '../domain/transaction.js';
import type { TxStore } from '../domain/store-port.js';
import { executeMovement, type MovementRequest } from './transactions.js';

export type BatchItemResult =
  | { readonly index: number; readonly status: 'posted'; readonly transaction: TransactionWithEntries }
  | { readonly index: number; readonly status: 'failed'; readonly error: CofferError };

/** Why an atomic batch was refused: the first item that failed, and how. */
export function batchItemFailed(index: number, error: CofferError): CofferError {
  return new CofferError('batch_item_failed', `Item ${index} failed (${error.code}: ${error.detail}); nothing in the batch was applied.`, [
    { field: `items.${index}`, message: error.code },
  ]);
}

/**
 * Applies many movements in one database transaction. Atomic: the first failure rolls back
 * everything (`batch_item_failed`, naming the item). Independent: each item runs under its own
 * savepoint, so a failed item leaves no trace and its neighbours still apply.
 */
export async function runBatch(tx: TxStore, actor: Actor, items: readonly (() => MovementRequest)[], atomic: boolean, now: Date): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  for (const [index, parse] of items.entries()) {
    try {
      const transaction = await tx.savepoint(() => executeMovement(tx, actor, parse(), now));
      results.push({ index, status: 'posted', transaction });
    } catch (error) {
      if (!isCofferError(error)) throw error;
      if (atomic) throw batchItemFailed(index, error);
      results.push({ index, status: 'failed', error });
    }
  }
  return results;
}
