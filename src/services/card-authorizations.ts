import type { Actor } from '../domain/api-key.js';
import { cardRefusalOf, type CardAuthorization } from '../domain/card.js';
import { CofferError } from '../domain/errors.js';
import type { ReadStore, TxStore } from '../domain/store-port.js';
import { canSee, notFound, seesMovement } from './access.js';
import { getCard } from './card-state.js';
import type { ServiceContext } from './context.js';
import { planHold } from './holds.js';
import type { MovementPlan } from './plan.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';
import type { MovementDetails } from './transactions.js';
import { walletOwners } from './wallet-refs.js';

export interface AuthorizationRequest extends Omit<MovementDetails, 'fees'> {
  readonly amount: bigint;
  /** Who receives the money when the authorization clears; the currency's `settlement` account by default. */
  readonly toWalletId?: string;
  /** The shop the card paid at, as the card network names it. */
  readonly merchantName?: string | null;
}

const refusalDetails = {
  card_destroyed: 'is destroyed',
  card_expired: 'is past its expiration date',
  card_frozen: 'is frozen',
  wallet_blocked: 'is frozen: its wallet is blocked',
  wallet_closed: 'is destroyed: its wallet is closed',
} as const;

/**
 * Plans a payment by card: a hold on the card's wallet, linked to the card. The card is read again
 * once its wallet is locked (card freezes, destroys and wallet blocks take the same wallet lock),
 * so a card is never authorized after one of them committed. Parallel authorizations on one card
 * queue on the wallet's lock, so they never overdraw it.
 */
export async function planAuthorization(tx: TxStore, actor: Actor, cardId: string, request: AuthorizationRequest, now: Date): Promise<MovementPlan> {
  const found = await tx.getCard(cardId);
  if (found === null) throw notFound('card', cardId);
  const [ref] = await tx.walletRefs([found.walletId]);
  if (ref === undefined || !canSee(actor, ref.merchantId)) throw notFound('card', cardId);
  const { amount, toWalletId, merchantName, ...details } = request;
  const hold = await planHold(tx, actor, { walletId: found.walletId, amount, ...(toWalletId !== undefined ? { toWalletId } : {}), ...details }, now);
  return {
    ...hold,
    cardReads: [cardId],
    build: (rows) => {
      const card = rows.card(cardId);
      const wallet = rows.wallet(found.walletId);
      if (card === undefined || wallet === undefined) throw notFound('card', cardId);
      const refusal = cardRefusalOf(card, wallet.status, now);
      if (refusal !== null) throw new CofferError(refusal, `Card ${card.maskedNumber} (${card.id}) ${refusalDetails[refusal]}: it cannot authorize payments.`);
      return { ...hold.build(rows), cardAuthorization: { cardId, merchantName: merchantName ?? null } };
    },
  };
}

/**
 * An authorization the actor may see: its own, or (for a merchant) one whose hold moves money to
 * or from one of its wallets. Otherwise not_found.
 */
async function visibleAuthorization(reader: ReadStore, actor: Actor, id: string): Promise<CardAuthorization> {
  const authorization = await reader.getCardAuthorization(id);
  if (authorization === null) throw notFound('authorization', id);
  if (canSee(actor, authorization.merchantId)) return authorization;
  const sides = [authorization.fromWalletId, authorization.toWalletId].filter((side): side is string => side !== null);
  const owners = await walletOwners(reader, sides);
  if (
    !seesMovement(
      actor,
      authorization.merchantId,
      sides.map((side) => owners.get(side)),
    )
  )
    throw notFound('authorization', id);
  return authorization;
}

export function getAuthorization(ctx: ServiceContext, actor: Actor, id: string): Promise<CardAuthorization> {
  return visibleAuthorization(ctx.store.read, actor, id);
}

/** A card's authorizations, newest first, cursor-paginated. */
export async function listCardAuthorizations(
  ctx: ServiceContext,
  actor: Actor,
  cardId: string,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<Page<CardAuthorization>> {
  await getCard(ctx, actor, cardId);
  const size = pageSize(limit);
  const rows = await ctx.store.read.listCardAuthorizations(cardId, decodeCursor(cursor, uuidPattern) ?? null, size + 1);
  return toPage(rows, size, (row) => row.id);
}
