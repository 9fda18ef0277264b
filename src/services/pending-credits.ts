import type { Actor } from '../domain/api-key.js';
import type { BankAccount } from '../domain/counterparty.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { requireScope } from './access.js';
import type { MovementPlan } from './plan.js';
import { planReservation, planResolution } from './reservations.js';
import type { MovementDetails } from './transactions.js';
import { systemWalletId, walletRefs } from './wallet-refs.js';

export interface PendingCreditRequest extends Omit<MovementDetails, 'fees'> {
  readonly walletId: string;
  readonly amount: bigint;
  /** Where the money comes from; the currency's `issuing` account by default. */
  readonly fromWalletId?: string;
  /** The bank account the money comes from (an incoming wire), stored and shown. */
  readonly source?: BankAccount;
}

/** Plans the announcement of incoming money: `pending` and `ledger` grow, `available` does not. */
export async function planPendingCredit(tx: StoreTx, actor: Actor, request: PendingCreditRequest, now: Date): Promise<MovementPlan> {
  // Money announced from `issuing` is money created: it needs the issue scope.
  if (request.fromWalletId === undefined) requireScope(actor, 'issue');
  const named = request.fromWalletId !== undefined ? [request.walletId, request.fromWalletId] : [request.walletId];
  const refs = await walletRefs(tx, actor, named);
  const currencyId = refs.get(request.walletId)?.currencyId as string;
  const fromWalletId = request.fromWalletId ?? (await systemWalletId(tx, currencyId, 'issuing'));
  const { walletId: _walletId, amount: _amount, fromWalletId: _from, source, ...details } = request;
  return planReservation(
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
      counterparty: source ?? null,
    },
    now,
  );
}

/**
 * The money arrived: `amount` (at most the announced amount; all of it by default) is posted to
 * the wallet and the rest released, as funds arrive confirmed for what they really are.
 */
export function planSettlement(tx: StoreTx, actor: Actor, id: string, amount: bigint | null, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'settle', amount, now);
}

/** The money will not arrive: the pending credit is released, with the reason recorded on its transaction. */
export function planCreditFailure(tx: StoreTx, actor: Actor, id: string, reason: string | null, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'fail', null, now, { reason });
}
