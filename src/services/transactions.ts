import type { Actor } from '../domain/api-key.js';
import type { NewAuditRecord } from '../domain/audit.js';
import { systemWalletTypes } from '../domain/currency.js';
import { CofferError } from '../domain/errors.js';
import type { ExchangeDetails } from '../domain/exchange.js';
import { limits } from '../domain/limits.js';
import type { Leg } from '../domain/posting.js';
import { assert } from '../domain/assert.js';
import type { Fee, Transaction, TransactionKind } from '../domain/transaction.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import type { WalletRef } from '../domain/wallet.js';
import { canSee, movementOwner, notFound, requireAdmin, requireMovementOwner, requireScope } from './access.js';
import { type ExchangeRequest, planExchangeMovement } from './exchanges.js';
import { newTransaction } from './new-transaction.js';
import type { MovementPlan } from './plan.js';
import { systemWalletId, walletOwners, walletRefs } from './wallet-refs.js';

/** The common optional fields of every money-moving request. */
export interface MovementDetails {
  readonly description?: string | null;
  readonly reference?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly fees?: readonly Fee[];
}

export type MovementRequest =
  | ({ readonly kind: 'topup'; readonly walletId: string; readonly amount: bigint } & MovementDetails)
  | ({ readonly kind: 'withdrawal'; readonly walletId: string; readonly amount: bigint } & MovementDetails)
  | ({ readonly kind: 'transfer'; readonly fromWalletId: string; readonly toWalletId: string; readonly amount: bigint } & MovementDetails)
  | ({
      readonly kind: 'adjustment';
      readonly walletId: string;
      readonly amount: bigint;
      readonly direction: 'credit' | 'debit';
      readonly reason: string;
      /** A built-in system account or an operator-added one (`reserve`); `issuing` by default. */
      readonly systemAccount?: string;
    } & MovementDetails)
  | ({ readonly kind: 'reversal'; readonly transactionId: string; readonly amount?: bigint; readonly reason?: string | null } & MovementDetails)
  | ({ readonly kind: 'exchange' } & ExchangeRequest);

function baseTransaction(kind: TransactionKind, actor: Actor, currencyId: string, amount: bigint, request: MovementDetails, now: Date): Transaction {
  return newTransaction(kind, 'posted', { merchantId: actor.merchantId, currencyId, amount }, request, now);
}

function feeLegs(payerId: string, feesWalletId: string, fees: readonly Fee[] | undefined): Leg[] {
  if (fees === undefined) return [];
  if (fees.length > limits.feesPerTransactionMax) throw new CofferError('fee_invalid', `At most ${limits.feesPerTransactionMax} fees per transaction.`);
  return fees.map((fee) => ({ debitWalletId: payerId, creditWalletId: feesWalletId, amount: fee.amount, phase: 'posted' as const }));
}

/** Every wallet whose row must be locked: the named ones, their parents and the system accounts. */
export function lockSet(refs: ReadonlyMap<string, WalletRef>, legs: readonly Leg[]): string[] {
  const ids = new Set<string>();
  for (const leg of legs) {
    for (const id of [leg.debitWalletId, leg.creditWalletId]) {
      ids.add(id);
      const parent = refs.get(id)?.parentWalletId;
      if (parent !== undefined && parent !== null) ids.add(parent);
    }
  }
  return [...ids];
}

/** Every wallet of `ids` and their parents: what a movement touching them must lock. */
function lockSetOf(refs: ReadonlyMap<string, WalletRef>, ids: readonly string[]): string[] {
  const all = new Set(ids);
  for (const id of ids) {
    const parent = refs.get(id)?.parentWalletId;
    if (parent !== undefined && parent !== null) all.add(parent);
  }
  return [...all];
}

/** The wallets a request names (every kind, a batch item too): their references are loaded for the whole group at once (services/set-posting.ts). */
export function namedWallets(movement: object): string[] {
  const named = movement as { readonly walletId?: unknown; readonly fromWalletId?: unknown; readonly toWalletId?: unknown };
  return [named.fromWalletId, named.toWalletId, named.walletId].filter((id): id is string => typeof id === 'string');
}

/** The movements that create one new transaction from the request alone (no existing row to lock). */
type SimpleMovement = Extract<MovementRequest, { kind: 'topup' | 'withdrawal' | 'transfer' | 'adjustment' }>;

/** Plans any money movement of a request or a batch item (reads only; the executor locks and writes: services/set-posting.ts). */
export async function planMovement(tx: StoreTx, actor: Actor, request: MovementRequest, now: Date): Promise<MovementPlan> {
  if (request.kind === 'exchange') return planExchangeMovement(tx, actor, request, now);
  if (request.kind === 'reversal') return planReversal(tx, actor, request, now);
  const { draft, refs } = await draftMovement(tx, actor, request, now);
  return { lockIds: lockSet(refs, draft.legs), build: () => ({ ...draft, audited: true }) };
}

async function draftMovement(tx: StoreTx, actor: Actor, request: SimpleMovement, now: Date) {
  // Adjustments are an operator's; top-ups and adjustments create money: checked before any wallet is looked up.
  if (request.kind === 'adjustment') requireAdmin(actor);
  if (request.kind === 'topup' || request.kind === 'adjustment') requireScope(actor, 'issue');
  const named = request.kind === 'transfer' ? [request.fromWalletId, request.toWalletId] : [request.walletId];
  const refs = await walletRefs(tx, actor, named);
  const first = refs.get(named[0] as string) as WalletRef;
  const currencyId = first.currencyId;
  const base = baseTransaction(request.kind, actor, currencyId, request.amount, request, now);
  const feesId = await systemWalletId(tx, currencyId, 'fees');
  let from: string;
  let to: string;
  let payer: string;
  switch (request.kind) {
    case 'topup':
      from = await systemWalletId(tx, currencyId, 'issuing');
      to = request.walletId;
      payer = to;
      break;
    case 'withdrawal':
      from = request.walletId;
      to = await systemWalletId(tx, currencyId, 'settlement');
      payer = from;
      break;
    case 'transfer':
      from = request.fromWalletId;
      to = request.toWalletId;
      payer = from;
      checkTransferSides(actor, refs.get(from), refs.get(to));
      break;
    case 'adjustment': {
      requireAdmin(actor);
      const system = await systemWalletId(tx, currencyId, request.systemAccount ?? 'issuing', true);
      [from, to] = request.direction === 'credit' ? [system, request.walletId] : [request.walletId, system];
      payer = request.walletId;
      if (request.fees !== undefined && request.fees.length > 0) throw new CofferError('fee_invalid', 'Adjustments carry no fees.');
      break;
    }
  }
  const legs: Leg[] = [{ debitWalletId: from, creditWalletId: to, amount: request.amount, phase: 'posted' }, ...feeLegs(payer, feesId, request.fees)];
  const transaction: Transaction = {
    ...base,
    fromWalletId: from,
    toWalletId: to,
    merchantId: movementOwner(actor, refs.values()),
    reason: request.kind === 'adjustment' ? request.reason : null,
  };
  return { draft: { transaction, legs }, refs };
}

/**
 * A transfer moves money between wallets in circulation. The built-in system accounts (issuing,
 * settlement, fees, fx) move only through their own kinds (top-up, withdrawal, adjustment, fees,
 * exchange): a transfer out of issuing would create money under the wrong kind. An operator-added
 * system account (`reserve`) may send to or receive from a client wallet by an admin transfer;
 * money it sends enters circulation, so that needs the `issue` scope too.
 */
function checkTransferSides(actor: Actor, from: WalletRef | undefined, to: WalletRef | undefined): void {
  for (const side of [from, to]) {
    if (side?.category === 'system' && (systemWalletTypes as readonly string[]).includes(side.type)) {
      throw new CofferError(
        'system_account_kind',
        `Wallet ${side.id} is the currency's ${side.type} account: move it with a top-up, a withdrawal or an adjustment, not a transfer.`,
      );
    }
  }
  if (from?.category === 'system' && to?.category === 'system') {
    throw new CofferError('system_account_kind', 'A transfer between two system accounts is an adjustment of the books, not a transfer: use two adjustments.');
  }
  if (from?.category === 'system') requireScope(actor, 'issue');
}

const reversibleKinds: readonly TransactionKind[] = ['topup', 'withdrawal', 'transfer', 'adjustment', 'exchange', 'hold', 'pending_credit'];

/**
 * The part of `total` that goes with `amount` more of an original of `originalAmount`, of which
 * `reversedBefore` was already reversed: cumulative and rounded down, so that after reversals
 * summing to R the parts returned sum to floor(total × R / originalAmount), and the reversal that
 * reaches the whole original returns exactly what is left of `total`.
 */
export function proportionalPart(total: bigint, originalAmount: bigint, reversedBefore: bigint, amount: bigint): bigint {
  const upTo = (reversed: bigint) => (total * reversed) / originalAmount;
  return upTo(reversedBefore + amount) - upTo(reversedBefore);
}

/**
 * Plans a reversal: the original is found and checked for access now (its kind, sides and fees
 * never change); under its row's lock, what is left to reverse is read as earlier reversals left
 * it, so two partial reversals racing never return more than the original.
 */
async function planReversal(tx: StoreTx, actor: Actor, request: Extract<MovementRequest, { kind: 'reversal' }>, now: Date): Promise<MovementPlan> {
  const found = await tx.getReservation(request.transactionId);
  if (found === null) throw notFound('transaction', request.transactionId);
  if (!canSee(actor, found.merchantId)) {
    const owners = await walletOwners(
      tx,
      [found.fromWalletId, found.toWalletId].filter((id): id is string => id !== null),
    );
    requireMovementOwner(actor, found.merchantId, [...owners.values()], 'transaction', request.transactionId);
  }
  const notReversible = (status: string) =>
    new CofferError('transaction_not_reversible', `Transaction ${found.id} (${found.kind}, ${status}) cannot be reversed.`);
  const { fromWalletId, toWalletId } = found;
  if (!reversibleKinds.includes(found.kind) || fromWalletId === null || toWalletId === null) throw notReversible(found.status);
  const exchanged = found.kind === 'exchange' && found.exchange !== undefined && found.exchange !== null ? found.exchange : null;
  const fx =
    exchanged === null
      ? null
      : { source: await systemWalletId(tx, found.currencyId, 'fx'), target: await systemWalletId(tx, exchanged.targetCurrencyId, 'fx') };
  const feesId = found.fees.length > 0 ? await systemWalletId(tx, found.currencyId, 'fees') : null;
  const walletIds = [fromWalletId, toWalletId, ...(fx !== null ? [fx.source, fx.target] : []), ...(feesId !== null ? [feesId] : [])];
  const refs = new Map((await tx.walletRefs(walletIds)).map((ref) => [ref.id, ref]));
  const base = baseTransaction('reversal', actor, found.currencyId, 0n, request, now);
  return {
    lockIds: lockSetOf(refs, walletIds),
    transactionLocks: [found.id],
    build: (rows) => {
      const original = rows.transaction(found.id);
      assert(original !== undefined, `transaction ${found.id} is locked`);
      if (original.status !== 'posted') throw notReversible(original.status);
      // A captured hold, a settled pending credit or a settled payout can be reversed up to what was posted.
      const reversible = original.capturedAmount ?? original.amount;
      const left = reversible - original.reversedAmount;
      const amount = request.amount ?? left;
      if (amount > left || left === 0n) {
        throw new CofferError('reversal_exceeds_original', `Transaction ${original.id} has ${left} left to reverse; asked for ${amount}.`);
      }
      const part = (total: bigint) => proportionalPart(total, reversible, original.reversedAmount, amount);
      const legs: Leg[] = [];
      let exchange: ExchangeDetails | null = null;
      if (exchanged !== null && fx !== null) {
        // Back at the original rate: the target wallet returns its share of what it received, the source gets `amount` back.
        const targetPart = part(exchanged.targetAmount);
        if (targetPart > 0n) legs.push({ debitWalletId: toWalletId, creditWalletId: fx.target, amount: targetPart, phase: 'posted' });
        legs.push({ debitWalletId: fx.source, creditWalletId: fromWalletId, amount, phase: 'posted' });
        exchange = { rate: exchanged.rate, quoteId: null, targetCurrencyId: exchanged.targetCurrencyId, targetAmount: targetPart };
      } else {
        legs.push({ debitWalletId: toWalletId, creditWalletId: fromWalletId, amount, phase: 'posted' });
      }
      // Fees go back in proportion (rounded down, cumulatively): the reversal that completes the original returns the rest.
      if (feesId !== null) {
        const payer = original.kind === 'topup' ? toWalletId : fromWalletId;
        for (const fee of original.fees) {
          const back = part(fee.amount);
          if (back > 0n) legs.push({ debitWalletId: feesId, creditWalletId: payer, amount: back, phase: 'posted' });
        }
      }
      const transaction: Transaction = {
        ...base,
        amount,
        merchantId: original.merchantId,
        fromWalletId: toWalletId,
        toWalletId: fromWalletId,
        reason: request.reason ?? null,
        fees: [],
        reversesId: original.id,
        ...(exchange !== null ? { exchange } : {}),
      };
      return { transaction, legs, reverses: { id: original.id, amount }, audited: true };
    },
  };
}

/** The audit record of a new movement. */
export function movementAudit(written: Transaction): NewAuditRecord {
  return {
    action: 'transaction.created',
    subjectType: 'transaction',
    subjectId: written.id,
    merchantId: written.merchantId,
    changes: { status: { before: null, after: written.status }, amount: { before: null, after: written.amount.toString() } },
  };
}
