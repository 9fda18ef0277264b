import { CofferError } from '../domain/errors.js';
import type { TransactionWithEntries } from '../domain/transaction.js';

export type BatchItemResult =
  | { readonly index: number; readonly status: 'posted'; readonly transaction: TransactionWithEntries }
  | { readonly index: number; readonly status: 'failed'; readonly error: CofferError };

/** Why an atomic batch was refused: the first item that failed, and how. */
export function batchItemFailed(index: number, error: CofferError): CofferError {
  return new CofferError('batch_item_failed', `Item ${index} failed (${error.code}: ${error.detail}); nothing in the batch was applied.`, [
    { field: `items.${index}`, message: error.code },
  ]);
}
