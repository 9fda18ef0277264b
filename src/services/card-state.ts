import type { Actor } from '../domain/api-key.js';
import type { Card } from '../domain/card.js';
import type { EventType } from '../domain/event.js';
import { CofferError } from '../domain/errors.js';
import type { Wallet, LockedWallet } from '../domain/wallet.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound } from './access.js';
import { recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { recordEvent } from './events.js';

/** A card with what its answer needs from its wallet: a blocked wallet freezes its cards. */
export interface CardView {
  readonly card: Card;
  readonly wallet: Pick<Wallet, 'id' | 'status' | 'merchantId'>;
}

/** Loads a card the actor may see (through its wallet's merchant), or answers not_found. */
export async function getCard(ctx: ServiceContext, actor: Actor, id: string): Promise<CardView> {
  const card = await ctx.store.read.getCard(id);
  if (card === null) throw notFound('card', id);
  const wallet = await ctx.store.read.getWallet(card.walletId);
  if (wallet === null || !canSee(actor, wallet.merchantId)) throw notFound('card', id);
  return { card, wallet };
}

/**
 * Locks the card's wallet, then the card. Every change of a card's state takes its wallet's row
 * lock first, as wallet status changes and card authorizations do: the three are ordered, and a
 * card is never seen usable by an authorization after a freeze or a block committed.
 */
export async function lockCardForChange(tx: TxStore, actor: Actor, id: string): Promise<{ readonly card: Card; readonly wallet: LockedWallet }> {
  const found = await tx.getCard(id);
  if (found === null) throw notFound('card', id);
  const wallet = (await tx.lockWallets([found.walletId])).get(found.walletId);
  if (wallet === undefined || !canSee(actor, wallet.merchantId)) throw notFound('card', id);
  const card = await tx.lockCard(id);
  if (card === null) throw notFound('card', id);
  return { card, wallet };
}

export function cardEventData(card: Card, wallet: Pick<Wallet, 'status'>) {
  return {
    id: card.id,
    walletId: card.walletId,
    kind: card.kind,
    maskedNumber: card.maskedNumber,
    active: card.active,
    frozenByCard: card.frozenAt !== null,
    frozenByWallet: card.active && wallet.status === 'blocked',
    expirationDate: card.expirationDate.toISOString().slice(0, 10),
    destroyedAt: card.destroyedAt?.toISOString() ?? null,
    replacesCardId: card.replacesCardId,
  };
}

/** Records a card event and its audit record, in the caller's database transaction. */
export async function recordCardChange(
  tx: TxStore,
  actor: Actor,
  type: Extract<EventType, `card.${string}`>,
  before: Card,
  after: Card,
  wallet: Pick<Wallet, 'status' | 'merchantId'>,
  now: Date,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  await recordEvent(tx, { type, merchantId: wallet.merchantId, subjectId: after.id, data: { ...cardEventData(after, wallet), ...extra } }, now);
  await recordAudit(
    tx,
    actor,
    {
      action: type,
      subjectType: 'card',
      subjectId: after.id,
      merchantId: wallet.merchantId,
      changes: {
        frozenByCard: { before: before.frozenAt !== null, after: after.frozenAt !== null },
        active: { before: before.active, after: after.active },
        ...(Object.keys(extra).length > 0 ? { replacedByCardId: { before: null, after: extra.replacedByCardId ?? null } } : {}),
      },
    },
    now,
  );
}

function refuseDestroyed(card: Card): void {
  if (!card.active || card.destroyedAt !== null) throw new CofferError('card_destroyed', `Card ${card.id} is destroyed.`);
}

/**
 * Freezes a card by its own freeze (lost, suspected fraud…), apart from its wallet's block: it
 * stays frozen when the wallet is unblocked. Freezing a frozen card changes nothing.
 */
export async function freezeCard(ctx: ServiceContext, actor: Actor, id: string): Promise<CardView> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const { card, wallet } = await lockCardForChange(tx, actor, id);
    refuseDestroyed(card);
    if (card.frozenAt !== null) return { card, wallet };
    const frozen = await tx.setCardFrozen(id, now, now);
    await recordCardChange(tx, actor, 'card.frozen', card, frozen, wallet, now);
    return { card: frozen, wallet };
  });
}

/** Lifts the card's own freeze; a card whose wallet is blocked stays frozen by the block. */
export async function unfreezeCard(ctx: ServiceContext, actor: Actor, id: string): Promise<CardView> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const { card, wallet } = await lockCardForChange(tx, actor, id);
    refuseDestroyed(card);
    if (card.frozenAt === null) return { card, wallet };
    const thawed = await tx.setCardFrozen(id, null, now);
    await recordCardChange(tx, actor, 'card.unfrozen', card, thawed, wallet, now);
    return { card: thawed, wallet };
  });
}

/** Destroys a card for good (its open authorizations can still be cleared or reversed). Destroying it again changes nothing. */
export async function destroyCard(ctx: ServiceContext, actor: Actor, id: string): Promise<CardView> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const { card, wallet } = await lockCardForChange(tx, actor, id);
    if (!card.active || card.destroyedAt !== null) return { card, wallet };
    const destroyed = await tx.destroyCard(id, now);
    await recordCardChange(tx, actor, 'card.destroyed', card, destroyed, wallet, now);
    return { card: destroyed, wallet };
  });
}
