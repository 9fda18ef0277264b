import type { Actor } from '../domain/api-key.js';
import type { BankAccount } from '../domain/counterparty.js';
import { CofferError } from '../domain/errors.js';
import type { TransactionWithEntries } from '../domain/transaction.js';
import type { Reservation } from '../domain/reservation.js';
import type { ReadStore, TxStore } from '../domain/store-port.js';
import { visibleEntries } from './access.js';
import { recordAudit } from './audit.js';
import { createReservation, resolveReservation } from './reservations.js';
import { type MovementDetails, movementAudit } from './transactions.js';
import { systemWalletId, walletOwners, walletRefs } from './wallet-refs.js';

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
export async function createPayout(tx: TxStore, actor: Actor, request: PayoutRequest, now: Date): Promise<Reservation> {
  if (request.fees !== undefined && request.fees.length > 0) {
    throw new CofferError('fee_invalid', 'A payout carries no fees: charge them with a separate transfer to the fees account or a withdrawal.', [
      { field: 'fees', message: 'not allowed with a destination' },
    ]);
  }
  const refs = await walletRefs(tx, actor, [request.walletId]);
  const currencyId = refs.get(request.walletId)?.currencyId as string;
  const settlement = await systemWalletId(tx, currencyId, 'settlement');
  const { walletId, amount, destination, fees: _fees, ...details } = request;
  const payout = await createReservation(
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
  );
  await recordAudit(tx, actor, movementAudit(payout), now);
  return payout;
}

/** A payout as its answer shows it: the transaction with the entries the caller may see, read in the writing transaction. */
export async function payoutAnswer(tx: ReadStore, actor: Actor, payout: Reservation): Promise<TransactionWithEntries> {
  const written = await tx.getTransaction(payout.id);
  if (written === null) throw new Error(`payout ${payout.id} was written in this transaction`);
  if (actor.role === 'admin') return written;
  const owners = await walletOwners(
    tx,
    written.entries.map((entry) => entry.walletId),
  );
  return visibleEntries(actor, written, (id) => owners.get(id));
}

/** The bank sent the money: the payout is posted (the wallet's held money goes to `settlement`). */
export function settlePayout(tx: TxStore, actor: Actor, id: string, now: Date): Promise<Reservation> {
  return resolveReservation(tx, actor, id, 'settle', null, now, { expected: 'withdrawal' });
}

/** The bank could not send it: the held money is released to the wallet, the reason recorded. */
export function failPayout(tx: TxStore, actor: Actor, id: string, reason: string | null, now: Date): Promise<Reservation> {
  return resolveReservation(tx, actor, id, 'fail', null, now, { expected: 'withdrawal', reason });
}
