import type { Reservation } from '../domain/reservation.js';

function presentShared(reservation: Reservation) {
  return {
    id: reservation.id,
    status: reservation.status,
    merchantId: reservation.merchantId,
    currencyId: reservation.currencyId,
    amount: reservation.amount.toString(),
    description: reservation.description,
    reference: reservation.reference,
    metadata: reservation.metadata,
    createdAt: reservation.createdAt.toISOString(),
    resolvedAt: reservation.resolvedAt?.toISOString() ?? null,
  };
}

/** A hold as the API shows it: reserved on `walletId`, for `toWalletId`. */
export function presentHold(hold: Reservation) {
  return {
    ...presentShared(hold),
    walletId: hold.fromWalletId ?? '',
    toWalletId: hold.toWalletId ?? '',
    capturedAmount: hold.capturedAmount?.toString() ?? null,
    expiresAt: hold.expiresAt?.toISOString() ?? null,
  };
}

/** A pending credit as the API shows it: announced to `walletId`, from `fromWalletId`. */
export function presentPendingCredit(credit: Reservation) {
  return {
    ...presentShared(credit),
    walletId: credit.toWalletId ?? '',
    fromWalletId: credit.fromWalletId ?? '',
    settledAmount: credit.capturedAmount?.toString() ?? null,
    reason: credit.reason,
    source: credit.counterparty ?? null,
  };
}
