import type { Actor } from '../domain/api-key.js';
import type { Wallet } from '../domain/wallet.js';
import { checkStatusChange, normalizeStatus, type RequestedWalletStatus, type WalletStatusReason, type StatusHistoryEntry } from '../domain/wallet-status.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound } from './access.js';
import { recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { recordWalletEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';
import { visibleWallet, walletAudit } from './wallets.js';

export interface StatusChangeRequest {
  readonly status: RequestedWalletStatus;
  /** Optional: a seed's `{"status": "active"}` is a valid request. */
  readonly reason?: WalletStatusReason | null;
  readonly description?: string | null;
}

/**
 * Changes a wallet's status under its row lock, so no posting, hold or card can slip in
 * between the checks and the change. Closing deactivates the instruments and destroys the cards.
 */
export async function changeWalletStatus(ctx: ServiceContext, actor: Actor, id: string, request: StatusChangeRequest): Promise<Wallet> {
  const now = ctx.clock();
  return ctx.store.transaction((tx) => changeWalletStatusIn(tx, actor, id, request, now));
}

/** `changeWalletStatus` in the caller's database transaction (a view that changes several wallets at once). */
export async function changeWalletStatusIn(tx: TxStore, actor: Actor, id: string, request: StatusChangeRequest, now: Date): Promise<Wallet> {
  const wallet = (await tx.lockWallets([id])).get(id);
  if (wallet === undefined || !canSee(actor, wallet.merchantId)) throw notFound('wallet', id);
  if (wallet.category === 'system' && actor.role !== 'admin') throw notFound('wallet', id);
  const target = normalizeStatus(request.status);
  checkStatusChange(wallet, target, {
    openReservations: target === 'closed' ? await tx.openReservationCount(id) : 0,
    openVirtualWallets: target === 'closed' ? await tx.openVirtualWalletCount(id) : 0,
  });
  const updated = await tx.setWalletStatus(
    id,
    { status: target, reason: request.reason ?? null, description: request.description ?? null, changedBy: actor.apiKeyId },
    now,
  );
  await tx.insertStatusHistory({
    id: newId(now.getTime()),
    walletId: id,
    status: target,
    previousStatus: wallet.status,
    reason: request.reason ?? null,
    description: request.description ?? null,
    changedBy: actor.apiKeyId,
    changedAt: now,
  });
  if (target === 'closed') await tx.retireWalletInstruments(id, now);
  await recordWalletEvent(tx, 'wallet.status_changed', updated, now);
  await recordAudit(tx, actor, walletAudit('wallet.status_changed', wallet, updated), now);
  return updated;
}

/** A wallet's status changes, newest first: a reactivation keeps the deactivations readable. */
export async function statusHistory(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<Page<StatusHistoryEntry>> {
  await visibleWallet(ctx, actor, id);
  const size = pageSize(limit);
  const rows = await ctx.store.read.listStatusHistory(id, decodeCursor(cursor, uuidPattern), size + 1);
  return toPage(rows, size, (entry) => entry.id);
}
