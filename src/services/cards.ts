import { createHmac, randomInt } from 'node:crypto';
import type { Actor } from '../domain/api-key.js';
import { type Card, type CardKind, cardExpirationDate, cardNumberOf, maskCardNumber } from '../domain/card.js';
import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import type { Wallet } from '../domain/wallet.js';
import { isUniqueViolation } from '../store/database.js';
import { canSee, notFound } from './access.js';
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

/**
 * Issues a card on a wallet. Its full number exists only inside this function: what is stored
 * and answered is the masked number (first 6 + last 4) and a keyed hash that keeps numbers unique
 * (its key is derived from the master secret: without it the hash reveals nothing, docs/security.md).
 */
export async function issueCard(ctx: ServiceContext, actor: Actor, walletId: string, request: CardRequest): Promise<Card> {
  const now = ctx.clock();
  const { bin, perProgram } = ctx.config.cards;
  const hashKey = secretKeysOf(ctx.config).cardHash;
  for (let attempt = 1; ; attempt++) {
    const number = cardNumberOf(bin, randomDigits(15 - bin.length));
    try {
      return await ctx.store.transaction(async (tx) => {
        // The wallet's row lock orders card issues and status changes: the count below stays true.
        const wallet = (await tx.lockWallets([walletId])).get(walletId);
        if (wallet === undefined || !canSee(actor, wallet.merchantId)) throw notFound('wallet', walletId);
        checkCardable(wallet, wallet.currencyActive);
        const allowed = (wallet.program !== null ? perProgram.get(wallet.program) : undefined) ?? limits.activeCardsPerWalletMax;
        if ((await tx.activeCardCount(walletId)) >= allowed) {
          throw new CofferError('card_limit_reached', `Wallet ${walletId} already has ${allowed} active card(s), the most its program allows.`);
        }
        const card: Card = {
          id: newId(now.getTime()),
          walletId,
          kind: request.kind,
          maskedNumber: maskCardNumber(number),
          name: request.name ?? null,
          expirationDate: cardExpirationDate(now, cardLifetimeYears),
          active: true,
          destroyedAt: null,
          createdAt: now,
        };
        return tx.insertCard(card, createHmac('sha256', hashKey).update(number).digest('hex'), now);
      });
    } catch (error) {
      // Two random numbers collided: draw another.
      if (!isUniqueViolation(error, 'cards_number_hash') || attempt >= numberAttemptsMax) throw error;
    }
  }
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
