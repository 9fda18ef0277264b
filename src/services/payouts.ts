import type { Actor } from '../domain/api-key.js';
import type { BankAccount } from '../domain/counterparty.js';
import { CofferError } from '../domain/errors.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import type { MovementPlan } from './plan.js';
import { planReservation, planResolution } from './reservations.js';
import type { MovementDetails } from './transactions.js';
import { systemWalletId, walletRefs } from './wallet-refs.js';

export interface PayoutRequest extends MovementDetails {
  readonly walletId: string;
  readonly amount: bigint;
  /** The bank account outside Coffer the money goes to. */
  readonly destination: BankAccount;
}

/**
 * A payout through the bank rails: a withdrawal to a bank account, written `pending` with its
 * money held (a pending debit on the wallet, a pending credit on the currency's `settlement`
 * account) until the operator's bank connector settles it (posted) or fails it (released).
 * The held money counts against `available` at once, so nothing can spend it meanwhile.
 */
export async function planPayout(tx: StoreTx, actor: Actor, request: PayoutRequest, now: Date): Promise<MovementPlan> {
  if (request.fees !== undefined && request.fees.length > 0) {
    throw new CofferError('fee_invalid', 'A payout carries no fees: charge them with a separate transfer to the fees account or a withdrawal.', [
      { field: 'fees', message: 'not allowed with a destination' },
    ]);
  }
  const refs = await walletRefs(tx, actor, [request.walletId]);
  const currencyId = refs.get(request.walletId)?.currencyId as string;
  const settlement = await systemWalletId(tx, currencyId, 'settlement');
  const { walletId, amount, destination, fees: _fees, ...details } = request;
  // Audited as a movement (`transaction.created`), as a withdrawal posted at once is.
  return planReservation(
    tx,
    actor,
    {
      kind: 'withdrawal',
      debitWalletId: walletId,
      creditWalletId: settlement,
      namedWalletIds: [walletId],
      amount,
      expiresAt: null,
      details,
      counterparty: destination,
    },
    now,
    true,
  );
}

/** The bank sent the money: the payout is posted (the wallet's held money goes to `settlement`). */
export function planPayoutSettlement(tx: StoreTx, actor: Actor, id: string, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'settle', null, now, { expected: 'withdrawal' });
}

/** The bank could not send it: the held money is released to the wallet, the reason recorded. */
export function planPayoutFailure(tx: StoreTx, actor: Actor, id: string, reason: string | null, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'fail', null, now, { expected: 'withdrawal', reason });
}
