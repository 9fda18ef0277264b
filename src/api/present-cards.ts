import { type Card, expirationStatusOf, type CardAuthorization } from '../domain/card.js';
import type { Wallet } from '../domain/wallet.js';
import type { Instrument } from '../domain/bank-identifiers.js';
import { presentHold } from './present-reservations.js';

export function presentInstrument(instrument: Instrument) {
  return {
    ...instrument,
    createdAt: instrument.createdAt.toISOString(),
    updatedAt: instrument.updatedAt.toISOString(),
    deactivatedAt: instrument.deactivatedAt?.toISOString() ?? null,
  };
}

/**
 * A card never carries its full number. Its two freezes are shown apart: its own (`frozenByCard`)
 * and its wallet's block (`frozenByWallet`); `expirationStatus` is computed against `today` in
 * every answer, so it turns EXPIRED the day after `expirationDate` without any sweep.
 */
export function presentCard(card: Card, wallet: Pick<Wallet, 'status'>, today: Date) {
  const frozenByCard = card.active && card.frozenAt !== null;
  const frozenByWallet = card.active && wallet.status === 'blocked';
  return {
    id: card.id,
    walletId: card.walletId,
    kind: card.kind,
    maskedNumber: card.maskedNumber,
    name: card.name,
    expirationDate: card.expirationDate.toISOString().slice(0, 10),
    expirationStatus: expirationStatusOf(card.expirationDate, today),
    active: card.active,
    frozen: frozenByCard || frozenByWallet,
    frozenByCard,
    frozenByWallet,
    replacesCardId: card.replacesCardId,
    createdAt: card.createdAt.toISOString(),
    destroyedAt: card.destroyedAt?.toISOString() ?? null,
  };
}

/** A card authorization: its hold as `/v1/holds` shows it, with the card and the shop. */
export function presentAuthorization(authorization: CardAuthorization) {
  return { ...presentHold(authorization), cardId: authorization.cardId, merchantName: authorization.merchantName };
}
