import { createHmac, randomInt } from 'node:crypto';
import type { Actor } from '../domain/api-key.js';
import { type Card, type CardKind, cardExpirationDate, cardNumberOf, maskCardNumber } from '../domain/card.js';
import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import type { Wallet } from '../domain/wallet.js';
import type { TxStore } from '../domain/store-port.js';
import { isUniqueViolation } from '../store/database.js';
import { canSee, notFound } from './access.js';
import { type CardView, lockCardForChange, recordCardChange } from './card-state.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { secretKeysOf } from './secrets.js';
import { visibleWallet } from './wallets.js';

export interface CardRequest {
  readonly kind: CardKind;
  readonly name?: string | null;
}

const cardLifetimeYears = 3;
const numberAttemptsMax = 5;

function randomDigits(count: number): string {
  return Array.from({ length: count }, () => String(randomInt(10))).join('');
}

/** A new card's fields, its full number given only to mask and hash it (never stored). */
function newCard(now: Date, walletId: string, request: CardRequest, number: string, replacesCardId: string | null): Card {
  return {
    id: newId(now.getTime()),
    walletId,
    kind: request.kind,
    maskedNumber: maskCardNumber(number),
    name: request.name ?? null,
    expirationDate: cardExpirationDate(now, cardLifetimeYears),
    active: true,
    destroyedAt: null,
    frozenAt: null,
    replacesCardId,
    createdAt: now,
  };
}

/**
 * Runs `write` with a fresh random card number, drawing another when two numbers collide (the
 * keyed hash is unique). The full number exists only inside this loop and `write`.
 */
async function withCardNumber<T>(ctx: ServiceContext, write: (tx: TxStore, number: string, numberHash: string) => Promise<T>): Promise<T> {
  const { bin } = ctx.config.cards;
  const hashKey = secretKeysOf(ctx.config).cardHash;
  for (let attempt = 1; ; attempt++) {
    const number = cardNumberOf(bin, randomDigits(15 - bin.length));
    try {
      return await ctx.store.transaction((tx) => write(tx, number, createHmac('sha256', hashKey).update(number).digest('hex')));
    } catch (error) {
      // Two random numbers collided: draw another.
      if (!isUniqueViolation(error, 'cards_number_hash') || attempt >= numberAttemptsMax) throw error;
    }
  }
}

/**
 * Issues a card on a wallet. Its full number exists only while it is drawn: what is stored
 * and answered is the masked number (first 6 + last 4) and a keyed hash that keeps numbers unique
 * (its key is derived from the master secret: without it the hash reveals nothing, docs/security.md).
 */
export async function issueCard(ctx: ServiceContext, actor: Actor, walletId: string, request: CardRequest): Promise<Card> {
  const now = ctx.clock();
  const { perProgram } = ctx.config.cards;
  return withCardNumber(ctx, async (tx, number, numberHash) => {
    // The wallet's row lock orders card issues and status changes: the count below stays true.
    const wallet = (await tx.lockWallets([walletId])).get(walletId);
    if (wallet === undefined || !canSee(actor, wallet.merchantId)) throw notFound('wallet', walletId);
    checkCardable(wallet, wallet.currencyActive);
    const allowed = (wallet.program !== null ? perProgram.get(wallet.program) : undefined) ?? limits.activeCardsPerWalletMax;
    if ((await tx.activeCardCount(walletId)) >= allowed) {
      throw new CofferError('card_limit_reached', `Wallet ${walletId} already has ${allowed} active card(s), the most its program allows.`);
    }
    return tx.insertCard(newCard(now, walletId, request, number, null), numberHash, now);
  });
}

/**
 * Replaces a card (lost, stolen, damaged, about to expire): a new number and expiration date,
 * the same kind and name; the old card is destroyed in the same database transaction, so the
 * wallet's count of active cards does not change. Refused for a destroyed card, a blocked or
 * closed wallet (no new cards there). Answers the new card.
 */
export async function replaceCard(ctx: ServiceContext, actor: Actor, id: string): Promise<CardView> {
  const now = ctx.clock();
  return withCardNumber(ctx, async (tx, number, numberHash) => {
    const { card, wallet } = await lockCardForChange(tx, actor, id);
    if (!card.active || card.destroyedAt !== null) throw new CofferError('card_destroyed', `Card ${id} is destroyed: it cannot be replaced.`);
    checkCardable(wallet, wallet.currencyActive);
    const destroyed = await tx.destroyCard(id, now);
    const replacement = await tx.insertCard(newCard(now, wallet.id, { kind: card.kind, name: card.name }, number, card.id), numberHash, now);
    await recordCardChange(tx, actor, 'card.replaced', card, destroyed, wallet, now, { replacedByCardId: replacement.id });
    return { card: replacement, wallet };
  });
}

function checkCardable(wallet: Wallet, currencyActive: boolean): void {
  if (wallet.category === 'system') throw new CofferError('system_wallet_not_allowed', 'System accounts have no cards.');
  if (wallet.status === 'blocked') throw new CofferError('wallet_blocked', `Wallet ${wallet.id} is blocked: no new cards.`);
  if (wallet.status === 'closed') throw new CofferError('wallet_closed', `Wallet ${wallet.id} is closed.`);
  if (!currencyActive) throw new CofferError('currency_inactive', `The currency of wallet ${wallet.id} is inactive.`);
}

export interface WalletCards {
  readonly wallet: Wallet;
  readonly cards: readonly Card[];
}

export async function listCards(ctx: ServiceContext, actor: Actor, walletId: string): Promise<WalletCards> {
  const wallet = await visibleWallet(ctx, actor, walletId);
  return { wallet, cards: await ctx.store.read.listCards(walletId) };
}
