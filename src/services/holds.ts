import type { Actor } from '../domain/api-key.js';
import { holdExpiry, type Reservation } from '../domain/reservation.js';
import type { TransactionStatus } from '../domain/transaction.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound, seesMovement } from './access.js';
import type { ServiceContext } from './context.js';
import { decodeCursor, type Page, pageSize, sequencePattern, toPage } from './pagination.js';
import type { MovementPlan } from './plan.js';
import { planReservation, planResolution } from './reservations.js';
import type { MovementDetails } from './transactions.js';
import { systemWalletId, walletOwners, walletRefs } from './wallet-refs.js';
import { visibleWallet } from './wallets.js';

export interface HoldRequest extends Omit<MovementDetails, 'fees'> {
  readonly walletId: string;
  readonly amount: bigint;
  /** Who receives the money on capture; the currency's `settlement` account by default. */
  readonly toWalletId?: string;
  readonly expiresAt?: Date | null;
}

/** Plans a hold of `amount` on a wallet: `held` grows and `available` shrinks at once. */
export async function planHold(tx: TxStore, actor: Actor, request: HoldRequest, now: Date): Promise<MovementPlan> {
  const expiresAt = holdExpiry(now, request.expiresAt ?? null);
  const named = request.toWalletId !== undefined ? [request.walletId, request.toWalletId] : [request.walletId];
  const refs = await walletRefs(tx, actor, named);
  const currencyId = refs.get(request.walletId)?.currencyId as string;
  const toWalletId = request.toWalletId ?? (await systemWalletId(tx, currencyId, 'settlement'));
  const { walletId: _walletId, amount: _amount, toWalletId: _to, expiresAt: _expires, ...details } = request;
  return planReservation(
    tx,
    actor,
    { kind: 'hold', debitWalletId: request.walletId, creditWalletId: toWalletId, namedWalletIds: named, amount: request.amount, expiresAt, details },
    now,
  );
}

/** Plans the capture of all or part of a hold by its target (the rest goes back to the wallet). */
export function planCapture(tx: TxStore, actor: Actor, id: string, amount: bigint | null, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'capture', amount, now);
}

/** Plans giving the whole hold back to the wallet. Allowed on a blocked wallet. */
export function planVoid(tx: TxStore, actor: Actor, id: string, now: Date): Promise<MovementPlan> {
  return planResolution(tx, actor, id, 'void', null, now);
}

export async function getReservation(ctx: ServiceContext, actor: Actor, kind: 'hold' | 'pending_credit', id: string): Promise<Reservation> {
  const reservation = await ctx.store.read.getReservation(id);
  const what = kind === 'hold' ? 'hold' : 'pending credit';
  if (reservation === null || reservation.kind !== kind) throw notFound(what, id);
  if (canSee(actor, reservation.merchantId)) return reservation;
  const sides = [reservation.fromWalletId, reservation.toWalletId].filter((side): side is string => side !== null);
  const owners = await walletOwners(ctx.store.read, sides);
  if (
    !seesMovement(
      actor,
      reservation.merchantId,
      sides.map((side) => owners.get(side)),
    )
  )
    throw notFound(what, id);
  return reservation;
}

export interface ReservationListQuery {
  readonly walletId?: string;
  readonly status?: TransactionStatus;
  readonly cursor?: string;
  readonly limit?: number;
}

/** Holds (or pending credits) newest first, per wallet and by status. */
export async function listReservations(
  ctx: ServiceContext,
  actor: Actor,
  kind: 'hold' | 'pending_credit',
  query: ReservationListQuery,
): Promise<Page<Reservation & { readonly seq: bigint }>> {
  const limit = pageSize(query.limit);
  const before = decodeCursor(query.cursor, sequencePattern);
  if (query.walletId !== undefined) await visibleWallet(ctx, actor, query.walletId);
  const rows = await ctx.store.read.listReservations({
    kind,
    ...(actor.role === 'merchant' && actor.merchantId !== null && query.walletId === undefined ? { merchantId: actor.merchantId } : {}),
    ...(query.walletId !== undefined ? { walletId: query.walletId } : {}),
    ...(query.status !== undefined ? { status: query.status } : {}),
    ...(before !== undefined ? { beforeSeq: BigInt(before) } : {}),
    limit: limit + 1,
  });
  return toPage(rows, limit, (row) => row.seq.toString());
}
