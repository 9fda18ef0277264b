import type { Actor } from '../domain/api-key.js';
import type { BankAccount } from '../domain/counterparty.js';
import { assert } from '../domain/assert.js';
import { CofferError } from '../domain/errors.js';
import { checkMetadata } from '../domain/metadata.js';
import type { Leg } from '../domain/posting.js';
import { type ResolutionKind, resolutionLegs, type Reservation } from '../domain/reservation.js';
import type { Transaction, TransactionStatus } from '../domain/transaction.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { canSee, movementOwner, notFound, requireMovementOwner } from './access.js';
import { newId } from './ids.js';
import { appendToTransaction, writeDraft } from './posting.js';
import type { MovementDetails } from './transactions.js';
import { lockSet } from './transactions.js';
import { walletOwners, walletRefs } from './wallet-refs.js';

/**
 * What holds and pending credits share: a transaction of kind `hold` or `pending_credit`,
 * status `pending`, with one `pending` leg; later resolved on the same transaction id.
 */
export interface NewReservation {
  /** `withdrawal`: a payout to a bank account, pending until the bank connector settles or fails it. */
  readonly kind: ReservationKind;
  readonly debitWalletId: string;
  readonly creditWalletId: string;
  /** The client-named wallets, checked for visibility (system accounts only for admins). */
  readonly namedWalletIds: readonly string[];
  readonly amount: bigint;
  readonly expiresAt: Date | null;
  readonly details: Omit<MovementDetails, 'fees'>;
  /** A payout's destination or a pending credit's source, when named. */
  readonly counterparty?: BankAccount | null;
}

export type ReservationKind = 'hold' | 'pending_credit' | 'withdrawal';

const names: Readonly<
  Record<ReservationKind, { readonly what: string; readonly notPending: 'hold_not_pending' | 'pending_credit_not_pending' | 'payout_not_pending' }>
> = {
  hold: { what: 'hold', notPending: 'hold_not_pending' },
  pending_credit: { what: 'pending credit', notPending: 'pending_credit_not_pending' },
  withdrawal: { what: 'payout', notPending: 'payout_not_pending' },
};

export async function createReservation(tx: StoreTx, actor: Actor, request: NewReservation, now: Date): Promise<Reservation> {
  const refs = await walletRefs(tx, actor, request.namedWalletIds);
  const first = refs.get(request.namedWalletIds[0] as string);
  assert(first !== undefined, 'walletRefs returns every named wallet or throws');
  // The implicit side (a system account) needs no visibility check: it is never named by the client.
  const implicit = [request.debitWalletId, request.creditWalletId].filter((id) => !refs.has(id));
  const allRefs = new Map([...refs, ...(await tx.walletRefs(implicit)).map((ref) => [ref.id, ref] as const)]);
  const transaction: Transaction = {
    id: newId(now.getTime()),
    kind: request.kind,
    status: 'pending',
    merchantId: movementOwner(actor, refs.values()),
    currencyId: first.currencyId,
    amount: request.amount,
    fromWalletId: request.debitWalletId,
    toWalletId: request.creditWalletId,
    description: request.details.description ?? null,
    reference: request.details.reference ?? null,
    reason: null,
    metadata: checkMetadata(request.details.metadata),
    fees: [],
    reversesId: null,
    reversedAmount: 0n,
    createdAt: now,
    postedAt: null,
    counterparty: request.counterparty ?? null,
  };
  const legs: Leg[] = [{ debitWalletId: request.debitWalletId, creditWalletId: request.creditWalletId, amount: request.amount, phase: 'pending' }];
  await writeDraft(tx, { transaction, legs }, lockSet(allRefs, legs), now);
  if (request.expiresAt !== null) await tx.setTransactionExpiry(transaction.id, request.expiresAt);
  return { ...transaction, expiresAt: request.expiresAt, resolvedAt: null, capturedAmount: null };
}

const statusAfter: Readonly<Record<ResolutionKind, Exclude<TransactionStatus, 'pending'>>> = {
  capture: 'posted',
  settle: 'posted',
  void: 'voided',
  expire: 'expired',
  fail: 'failed',
};

/**
 * Locks the reservation's row, refuses unless it is still pending, then appends the release
 * (and the posted part) to the same transaction. The row lock comes first, so a capture and
 * a void racing on one hold are ordered: the second finds it resolved.
 */
export async function resolveReservation(
  tx: StoreTx,
  actor: Actor,
  id: string,
  kind: ResolutionKind,
  postedAmount: bigint | null,
  now: Date,
  options: { readonly expected?: ReservationKind; readonly reason?: string | null } = {},
): Promise<Reservation> {
  const expected = options.expected ?? (kind === 'settle' || kind === 'fail' ? 'pending_credit' : 'hold');
  const reservation = await tx.lockReservation(id);
  const { what, notPending } = names[expected];
  // A payout is a withdrawal that named a destination; a withdrawal posted at once is not one.
  const matches = reservation !== null && reservation.kind === expected && (expected !== 'withdrawal' || (reservation.counterparty ?? null) !== null);
  if (reservation === null || !matches) throw notFound(what, id);
  if (!canSee(actor, reservation.merchantId)) {
    const owners = await walletOwners(
      tx,
      [reservation.fromWalletId, reservation.toWalletId].filter((side): side is string => side !== null),
    );
    requireMovementOwner(actor, reservation.merchantId, [...owners.values()], what, id);
  }
  const title = what.charAt(0).toUpperCase() + what.slice(1);
  if (reservation.status !== 'pending') {
    throw new CofferError(notPending, `${title} ${id} is already ${reservation.status}.`);
  }
  // A due hold is expired, whether or not the expiry worker has reached it yet.
  if (kind !== 'expire' && reservation.expiresAt !== null && reservation.expiresAt.getTime() <= now.getTime()) {
    throw new CofferError(notPending, `${title} ${id} expired at ${reservation.expiresAt.toISOString()}.`);
  }
  return applyResolution(tx, reservation, kind, postedAmount, now, options.reason ?? null);
}

/** Writes the resolution of a reservation whose row the caller has locked and found pending. */
export async function applyResolution(
  tx: StoreTx,
  reservation: Reservation,
  kind: ResolutionKind,
  postedAmount: bigint | null,
  now: Date,
  reason: string | null = null,
): Promise<Reservation> {
  const { fromWalletId, toWalletId } = reservation;
  if (fromWalletId === null || toWalletId === null) throw new Error(`reservation ${reservation.id} names both wallets`);
  const legs = resolutionLegs({ debitWalletId: fromWalletId, creditWalletId: toWalletId, amount: reservation.amount }, kind, postedAmount);
  const refs = new Map((await tx.walletRefs([fromWalletId, toWalletId])).map((ref) => [ref.id, ref]));
  const capturedAmount = legs[1]?.amount ?? null;
  const resolution = { status: statusAfter[kind], capturedAmount, requireActiveCurrency: kind !== 'expire', reason };
  const written = await appendToTransaction(tx, reservation, legs, lockSet(refs, legs), resolution, now);
  return { ...reservation, status: written.status, postedAt: written.postedAt, capturedAmount, resolvedAt: now, reason: written.reason };
}
