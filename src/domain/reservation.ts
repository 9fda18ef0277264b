import { CofferError } from './errors.js';
import { limits } from './limits.js';
import type { Leg } from './posting.js';
import type { Entry, Transaction, TransactionKind, TransactionStatus } from './transaction.js';

/**
 * Holds and pending credits are reservations: one `pending` leg from `debitWalletId` to
 * `creditWalletId`, resolved later by releasing it and, for a capture or a settlement,
 * posting all or part of it. Pure: times are passed in.
 */
export interface ReservationLegs {
  readonly debitWalletId: string;
  readonly creditWalletId: string;
  readonly amount: bigint;
}

export type ResolutionKind = 'capture' | 'void' | 'expire' | 'settle' | 'fail';

/** The legs that resolve a reservation: the release of the whole amount, then the posted part. */
export function resolutionLegs(reservation: ReservationLegs, kind: ResolutionKind, postedAmount: bigint | null): Leg[] {
  const release: Leg = { debitWalletId: reservation.debitWalletId, creditWalletId: reservation.creditWalletId, amount: reservation.amount, phase: 'release' };
  if (kind === 'void' || kind === 'expire' || kind === 'fail') return [release];
  const posted = postedAmount ?? reservation.amount;
  if (kind === 'settle' && (posted <= 0n || posted > reservation.amount)) {
    throw new CofferError('settle_exceeds_pending_credit', `A settlement posts between 1 and the announced ${reservation.amount}; asked for ${posted}.`);
  }
  if (posted <= 0n || posted > reservation.amount) {
    throw new CofferError('capture_exceeds_hold', `A capture takes between 1 and the held ${reservation.amount}; asked for ${posted}.`);
  }
  return [release, { debitWalletId: reservation.debitWalletId, creditWalletId: reservation.creditWalletId, amount: posted, phase: 'posted' }];
}

/** When a new hold expires: the requested instant, in the future and within the maximum lifetime, or the default. */
export function holdExpiry(now: Date, requested: Date | null): Date {
  if (requested === null) return new Date(now.getTime() + limits.holdLifetimeDefaultMs);
  if (Number.isNaN(requested.getTime()) || requested.getTime() <= now.getTime()) {
    throw new CofferError('hold_expiry_invalid', 'expiresAt must be in the future.', [{ field: 'expiresAt', message: 'not in the future' }]);
  }
  if (requested.getTime() - now.getTime() > limits.holdLifetimeMaxMs) {
    throw new CofferError('hold_expiry_invalid', `A hold lives at most ${limits.holdLifetimeMaxMs / 3_600_000} hours.`, [
      { field: 'expiresAt', message: 'beyond the maximum hold lifetime' },
    ]);
  }
  return requested;
}

/** A hold or a pending credit: its transaction, and when and how it was (or will be) resolved. */
export interface Reservation extends Transaction {
  readonly expiresAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly capturedAmount: bigint | null;
}

/** A transaction row locked for a movement that changes it (a reservation to resolve, an original to reverse), with its entries. */
export type LockedTransaction = Reservation & { readonly entries: readonly Entry[] };

export interface ReservationFilter {
  readonly kind: Extract<TransactionKind, 'hold' | 'pending_credit'>;
  readonly merchantId?: string;
  readonly walletId?: string;
  readonly status?: TransactionStatus;
  readonly beforeSeq?: bigint;
  readonly limit: number;
}
