import { checkMetadata } from '../domain/metadata.js';
import type { Fee, Transaction, TransactionKind, TransactionStatus } from '../domain/transaction.js';
import { newId } from './ids.js';

/** What a request says about its movement beyond the money: free text, metadata and fees. */
export interface TransactionText {
  readonly description?: string | null;
  readonly reference?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly fees?: readonly Fee[];
}

/**
 * The one factory of a new transaction row, for every kind: a fresh time-ordered id, the request's
 * text (metadata checked), and `posted` or `pending` at `now` (the pipeline restamps both with the
 * commit stamp). `fields` sets the rest (sides, owner, reason, exchange details, counterparty).
 */
export function newTransaction(
  kind: TransactionKind,
  status: Extract<TransactionStatus, 'posted' | 'pending'>,
  fields: Pick<Transaction, 'merchantId' | 'currencyId' | 'amount'> & Partial<Transaction>,
  text: TransactionText,
  now: Date,
): Transaction {
  return {
    id: newId(now.getTime()),
    kind,
    status,
    fromWalletId: null,
    toWalletId: null,
    description: text.description ?? null,
    reference: text.reference ?? null,
    reason: null,
    metadata: checkMetadata(text.metadata),
    fees: text.fees ?? [],
    reversesId: null,
    reversedAmount: 0n,
    createdAt: now,
    postedAt: status === 'posted' ? now : null,
    ...fields,
  };
}
