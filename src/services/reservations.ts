import type { Actor } from '../domain/api-key.js';
import type { BankAccount } from '../domain/counterparty.js';
import { assert } from '../domain/assert.js';
import { CofferError } from '../domain/errors.js';
import type { Leg } from '../domain/posting.js';
import { type ResolutionKind, resolutionLegs, type Reservation } from '../domain/reservation.js';
import type { TransactionStatus } from '../domain/transaction.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import type { MovementPlan } from './plan.js';
import { canSee, movementOwner, notFound, requireMovementOwner } from './access.js';
import { newTransaction } from './new-transaction.js';
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

/** Plans a new reservation: its pending leg, posted with the group (services/set-posting.ts). */
export async function planReservation(tx: StoreTx, actor: Actor, request: NewReservation, now: Date, audited = false): Promise<MovementPlan> {
  const refs = await walletRefs(tx, actor, request.namedWalletIds);
  const first = refs.get(request.namedWalletIds[0] as string);
  assert(first !== undefined, 'walletRefs returns every named wallet or throws');
  // The implicit side (a system account) needs no visibility check: it is never named by the client.
  const implicit = [request.debitWalletId, request.creditWalletId].filter((id) => !refs.has(id));
  const allRefs = new Map([...refs, ...(await tx.walletRefs(implicit)).map((ref) => [ref.id, ref] as const)]);
  const transaction = newTransaction(
    request.kind,
    'pending',
    {
      merchantId: movementOwner(actor, refs.values()),
      currencyId: first.currencyId,
      amount: request.amount,
      fromWalletId: request.debitWalletId,
      toWalletId: request.creditWalletId,
      counterparty: request.counterparty ?? null,
    },
    request.details,
    now,
  );
  const legs: Leg[] = [{ debitWalletId: request.debitWalletId, creditWalletId: request.creditWalletId, amount: request.amount, phase: 'pending' }];
  return { lockIds: lockSet(allRefs, legs), build: () => ({ transaction, legs, expiresAt: request.expiresAt, audited }) };
}

const statusAfter: Readonly<Record<ResolutionKind, Exclude<TransactionStatus, 'pending'>>> = {
  capture: 'posted',
  settle: 'posted',
  void: 'voided',
  expire: 'expired',
  fail: 'failed',
};

/**
 * Plans the resolution of a hold, pending credit or payout: found and checked for access now
 * (its sides never change), then, under the lock of its row, refused unless still pending and
 * resolved by releasing it (and posting the captured or settled part) on the same transaction.
 * The row lock orders a capture and a void racing on one hold: the second finds it resolved.
 */
export async function planResolution(
  tx: StoreTx,
  actor: Actor,
  id: string,
  kind: ResolutionKind,
  postedAmount: bigint | null,
  now: Date,
  options: { readonly expected?: ReservationKind; readonly reason?: string | null } = {},
): Promise<MovementPlan> {
  const expected = options.expected ?? (kind === 'settle' || kind === 'fail' ? 'pending_credit' : 'hold');
  const reservation = await tx.getReservation(id);
  const { what } = names[expected];
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
  return resolutionPlan(tx, reservation, kind, postedAmount, now, options.reason ?? null);
}

/** The plan resolving a reservation the caller found (a due hold for the expiry worker, or one checked for access). */
export async function resolutionPlan(
  tx: StoreTx,
  reservation: Reservation,
  kind: ResolutionKind,
  postedAmount: bigint | null,
  now: Date,
  reason: string | null = null,
): Promise<MovementPlan> {
  const { fromWalletId, toWalletId } = reservation;
  if (fromWalletId === null || toWalletId === null) throw new Error(`reservation ${reservation.id} names both wallets`);
  const sides = { debitWalletId: fromWalletId, creditWalletId: toWalletId, amount: reservation.amount };
  const refs = new Map((await tx.walletRefs([fromWalletId, toWalletId])).map((ref) => [ref.id, ref]));
  const { what, notPending } = names[reservation.kind as ReservationKind];
  const title = what.charAt(0).toUpperCase() + what.slice(1);
  return {
    lockIds: lockSet(refs, [{ ...sides, phase: 'release' }]),
    transactionLocks: [reservation.id],
    build: (rows) => {
      const locked = rows.transaction(reservation.id);
      assert(locked !== undefined, `reservation ${reservation.id} is locked`);
      if (locked.status !== 'pending') throw new CofferError(notPending, `${title} ${locked.id} is already ${locked.status}.`);
      // A due hold is expired, whether or not the expiry worker has reached it yet.
      if (kind !== 'expire' && locked.expiresAt !== null && locked.expiresAt.getTime() <= now.getTime()) {
        throw new CofferError(notPending, `${title} ${locked.id} expired at ${locked.expiresAt.toISOString()}.`);
      }
      if (kind === 'expire' && (locked.expiresAt === null || locked.expiresAt.getTime() > now.getTime())) {
        throw new CofferError(notPending, `${title} ${locked.id} is not due.`);
      }
      const legs = resolutionLegs(sides, kind, postedAmount);
      const { entries: _entries, expiresAt: _expiresAt, resolvedAt: _resolvedAt, capturedAmount: _captured, ...row } = locked;
      return {
        transaction: { ...row, status: statusAfter[kind], reason: reason ?? locked.reason },
        legs,
        resolves: { capturedAmount: legs[1]?.amount ?? null },
        requireActiveCurrency: kind !== 'expire',
        audited: false,
      };
    },
  };
}
