import { createHash } from 'node:crypto';
import { assert } from '../domain/assert.js';
import { canonicalJson, type JsonValue } from '../domain/canonical-json.js';
import { exchangeView } from '../domain/exchange.js';
import type { TransactionWithEntries } from '../domain/transaction.js';
import type { JournalHead, JournalLink } from '../domain/journal.js';
import type { QueuedLink } from '../domain/journal.js';

/** The hash before the first link: 32 zero bytes, in hex. */
export const genesisHash = '0'.repeat(64);

/** Version of the canonical body; bump it (and keep the old reader) if the body ever changes. */
const bodyVersion = 1;

/**
 * What a link seals: the transaction and its entries as data the transaction itself wrote.
 * Amounts are decimal strings, times ISO 8601 UTC with milliseconds. Left out on purpose:
 * database-generated numbers (`seq`, entry ids: identity values can skip under retries, so they
 * would differ between two runs of the same operations) and `reversedAmount`, a running total
 * that later reversals update; `coffer verify` checks it against the chained reversals instead.
 */
export function journalBody(transaction: TransactionWithEntries): string {
  const body: JsonValue = {
    v: bodyVersion,
    transaction: {
      id: transaction.id,
      kind: transaction.kind,
      status: transaction.status,
      merchantId: transaction.merchantId,
      currencyId: transaction.currencyId,
      amount: transaction.amount.toString(),
      fromWalletId: transaction.fromWalletId,
      toWalletId: transaction.toWalletId,
      description: transaction.description,
      reference: transaction.reference,
      reason: transaction.reason,
      metadata: { ...transaction.metadata },
      fees: transaction.fees.map((fee) => ({ amount: fee.amount.toString(), description: fee.description })),
      reversesId: transaction.reversesId,
      createdAt: transaction.createdAt.toISOString(),
      postedAt: transaction.postedAt === null ? null : transaction.postedAt.toISOString(),
      ...(transaction.exchange !== undefined && transaction.exchange !== null ? { exchange: exchangeView(transaction.exchange) } : {}),
      // Only when set, so the links of transactions without one read as they always did.
      ...(transaction.counterparty !== undefined && transaction.counterparty !== null ? { counterparty: { ...transaction.counterparty } } : {}),
    },
    entries: transaction.entries.map((entry) => ({
      walletId: entry.walletId,
      balanceWalletId: entry.balanceWalletId,
      currencyId: entry.currencyId,
      direction: entry.direction,
      amount: entry.amount.toString(),
      pending: entry.pending,
      balanceAfter: entry.balanceAfter.toString(),
      createdAt: entry.createdAt.toISOString(),
    })),
  };
  return canonicalJson(body);
}

/** hash_n = SHA-256(hash_{n-1} as 32 bytes ‖ body_n as UTF-8), in lower-case hex. */
export function linkHash(previousHash: string, body: string): string {
  assert(/^[0-9a-f]{64}$/.test(previousHash), 'a link hash is 64 hex digits');
  return createHash('sha256').update(Buffer.from(previousHash, 'hex')).update(body, 'utf8').digest('hex');
}

/** The links sealing `queued`, in order, chained after `head` (which the caller holds locked). */
export function chainLinks(head: Pick<JournalHead, 'seq' | 'hash'>, queued: readonly QueuedLink[]): JournalLink[] {
  let previous = { seq: head.seq, hash: head.hash };
  return queued.map(({ transactionId, body }): JournalLink => {
    const link = { seq: previous.seq + 1n, transactionId, previousHash: previous.hash, hash: linkHash(previous.hash, body), body };
    previous = link;
    return link;
  });
}
