import type { Actor } from '../domain/api-key.js';
import type { Reservation } from '../store/hold-queries.js';
import type { StoreTx } from '../store/store.js';
import { requireScope } from './access.js';
import { createReservation, resolveReservation } from './reservations.js';
import type { MovementDetails } from './transactions.js';
import { systemWalletId, walletRefs } from './wallet-refs.js';

export interface PendingCreditRequest extends Omit<MovementDetails, 'fees'> {
  readonly walletId: string;
  readonly amount: bigint;
  /** Where the money comes from; the currency's `issuing` account by default. */
  readonly fromWalletId?: string;
}

/** Announces incoming money: `pending` and `ledger` grow, `available` does not. */
export async function createPendingCredit(tx: StoreTx, actor: Actor, request: PendingCreditRequest, now: Date): Promise<Reservation> {
  // Money announced from `issuing` is money created: it needs the issue scope.
  if (request.fromWalletId === undefined) requireScope(actor, 'issue');
  const named = request.fromWalletId !== undefined ? [request.walletId, request.fromWalletId] : [request.walletId];
  const refs = await walletRefs(tx, actor, named);
  const currencyId = refs.get(request.walletId)?.currencyId as string;
  const fromWalletId = request.fromWalletId ?? (await systemWalletId(tx, currencyId, 'issuing'));
  const { walletId: _walletId, amount: _amount, fromWalletId: _from, ...details } = request;
  return createReservation(
    tx,
    actor,
    {
      kind: 'pending_credit',
      debitWalletId: fromWalletId,
      creditWalletId: request.walletId,
      namedWalletIds: named,
      amount: request.amount,
      expiresAt: null,
      details,
    },
    now,
  );
}

/** The money arrived: the whole pending credit is posted to the wallet. */
export function settlePendingCredit(tx: StoreTx, actor: Actor, id: string, now: Date): Promise<Reservation> {
  return resolveReservation(tx, actor, id, 'settle', null, now);
}

/** The money will not arrive: the pending credit is released. */
export function failPendingCredit(tx: StoreTx, actor: Actor, id: string, now: Date): Promise<Reservation> {
  return resolveReservation(tx, actor, id, 'fail', null, now);
}
