import type { Actor } from '../domain/api-key.js';
import type { CofferEvent, EventData, EventType, NewEvent } from '../domain/event.js';
import { CofferError } from '../domain/errors.js';
import { exchangeView } from '../domain/exchange.js';
import type { Transaction } from '../domain/transaction.js';
import type { Wallet } from '../domain/wallet.js';
import type { TxStore } from '../domain/store-port.js';
import type { Store } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { decodeCursor, encodeCursor, pageSize, sequencePattern } from './pagination.js';

/** How many events one sealing pass numbers at most. */
export const sealBatchMax = 1000;

/**
 * Records an event in the caller's database transaction, so the event exists if and only if
 * the change commits. Its feed position is given later by `sealEvents` (see docs/events.md).
 */
export async function recordEvent(tx: TxStore, event: NewEvent, now: Date): Promise<string> {
  const id = newId(now.getTime());
  await tx.insertEvent(id, event, now);
  return id;
}

/** The JSON a transaction event carries: amounts as strings of digits. */
export function transactionEventData(transaction: Transaction): EventData {
  return {
    id: transaction.id,
    kind: transaction.kind,
    status: transaction.status,
    merchantId: transaction.merchantId,
    currencyId: transaction.currencyId,
    amount: transaction.amount.toString(),
    fromWalletId: transaction.fromWalletId,
    toWalletId: transaction.toWalletId,
    reference: transaction.reference,
    reason: transaction.reason,
    ...(transaction.counterparty !== undefined && transaction.counterparty !== null ? { counterparty: { ...transaction.counterparty } } : {}),
    // An exchange (or the reversal of one) names its rate and what the target wallet received, as its API answer does.
    ...(transaction.exchange !== undefined && transaction.exchange !== null ? { exchange: exchangeView(transaction.exchange) } : {}),
    reversesId: transaction.reversesId,
    reversedAmount: transaction.reversedAmount.toString(),
    createdAt: transaction.createdAt.toISOString(),
    postedAt: transaction.postedAt?.toISOString() ?? null,
  };
}

export function walletEventData(wallet: Wallet): EventData {
  return {
    id: wallet.id,
    serial: wallet.serial,
    currencyId: wallet.currencyId,
    category: wallet.category,
    type: wallet.type,
    merchantId: wallet.merchantId,
    customerId: wallet.customerId,
    externalId: wallet.externalId,
    parentWalletId: wallet.parentWalletId,
    status: wallet.status,
    statusReason: wallet.statusReason,
    available: (wallet.counters.creditsPosted - wallet.counters.debitsPosted - wallet.counters.debitsPending).toString(),
    lowBalanceThreshold: wallet.lowBalanceThreshold?.toString() ?? null,
  };
}

const transactionEventTypes: Readonly<Record<Transaction['status'], EventType>> = {
  pending: 'transaction.pending',
  posted: 'transaction.posted',
  voided: 'transaction.voided',
  expired: 'transaction.expired',
  failed: 'transaction.failed',
};

/** `transaction.<status>` for a transaction as it now stands (written, voided, expired…). */
export function transactionEvent(transaction: Transaction): NewEvent {
  return {
    type: transactionEventTypes[transaction.status],
    merchantId: transaction.merchantId,
    subjectId: transaction.id,
    data: transactionEventData(transaction),
  };
}

export type WalletEventType = 'wallet.created' | 'wallet.status_changed' | 'wallet.balance_below_threshold';

/** A wallet event for a wallet as it now stands. */
export function walletEvent(type: WalletEventType, wallet: Wallet): NewEvent {
  return { type, merchantId: wallet.merchantId, subjectId: wallet.id, data: walletEventData(wallet) };
}

/** Records `transaction.<status>` for a transaction as it now stands (written, voided, expired…). */
export async function recordTransactionEvent(tx: TxStore, transaction: Transaction, now: Date): Promise<string> {
  return recordEvent(tx, transactionEvent(transaction), now);
}

/** Records `wallet.created`, `wallet.status_changed` or `wallet.balance_below_threshold` for a wallet as it now stands. */
export async function recordWalletEvent(tx: TxStore, type: WalletEventType, wallet: Wallet, now: Date): Promise<string> {
  return recordEvent(tx, walletEvent(type, wallet), now);
}

/**
 * Numbers the committed events not yet in the feed; returns how many it numbered. When none
 * waits, it only reads (no transaction, no lock on `event_feed`): idle streams and the idle
 * sealer cost no write lock.
 */
export async function sealEvents(store: Store, now: Date): Promise<number> {
  if (!(await store.read.hasUnsealedEvents())) return 0;
  let total = 0;
  for (let round = 0; round < 10; round++) {
    const sealed = await store.transaction((tx) => tx.sealEvents(sealBatchMax, now));
    total += sealed;
    if (sealed < sealBatchMax) break;
  }
  return total;
}

export interface EventListQuery {
  readonly cursor?: string;
  /** A feed position: list the events after it (what `Last-Event-ID` carries on the stream). */
  readonly after?: string;
  readonly types?: readonly string[];
  readonly limit?: number;
}

export interface EventPage {
  readonly data: readonly CofferEvent[];
  /** Where to continue: never null, a feed has no end; poll it again later. */
  readonly nextCursor: string;
  readonly lastPosition: bigint;
}

export function startPosition(query: Pick<EventListQuery, 'cursor' | 'after'>): bigint {
  if (query.cursor !== undefined && query.after !== undefined) {
    throw new CofferError('validation_failed', 'Give either cursor or after, not both.', [{ field: 'after', message: 'conflicts with cursor' }]);
  }
  if (query.after !== undefined) {
    if (!sequencePattern.test(query.after))
      throw new CofferError('validation_failed', 'after is a feed position: a string of digits.', [{ field: 'after', message: 'invalid' }]);
    return BigInt(query.after);
  }
  const cursor = decodeCursor(query.cursor, sequencePattern);
  return cursor === undefined ? 0n : BigInt(cursor);
}

/** How many events of the feed a key sees (of these types), from its start. */
export async function countEvents(ctx: ServiceContext, actor: Actor, query: Pick<EventListQuery, 'types'>): Promise<number> {
  return ctx.store.read.countEvents({
    merchantId: actor.role === 'admin' ? null : (actor.merchantId ?? ''),
    types: query.types !== undefined && query.types.length > 0 ? query.types : null,
  });
}

/** Lists the feed, oldest first, after a position; a merchant key sees only its merchant's events. */
export async function listEvents(ctx: ServiceContext, actor: Actor, query: EventListQuery): Promise<EventPage> {
  const after = startPosition(query);
  await sealEvents(ctx.store, ctx.clock());
  const limit = pageSize(query.limit);
  const data = await ctx.store.read.listEvents({
    afterPosition: after,
    merchantId: actor.role === 'admin' ? null : (actor.merchantId ?? ''),
    types: query.types !== undefined && query.types.length > 0 ? query.types : null,
    limit,
  });
  const lastPosition = data[data.length - 1]?.position ?? after;
  return { data, nextCursor: encodeCursor(lastPosition.toString()), lastPosition };
}
