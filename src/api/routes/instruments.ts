import { type Card as CardValue, expirationStatusOf } from '../../domain/card.js';
import type { Wallet } from '../../domain/wallet.js';
import { issueCard, listCards } from '../../services/cards.js';
import type { ServiceContext } from '../../services/context.js';
import { findInstruments, listWalletInstruments } from '../../services/instruments.js';
import type { Instrument as InstrumentValue } from '../../store/instrument-queries.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { Card, CardCreate, CardList, InstrumentList, InstrumentQuery } from '../schemas/instrument.js';

export function presentInstrument(instrument: InstrumentValue) {
  return { ...instrument, createdAt: instrument.createdAt.toISOString(), deactivatedAt: instrument.deactivatedAt?.toISOString() ?? null };
}

/** A card never carries its full number; `frozen` follows the wallet's status. */
export function presentCard(card: CardValue, wallet: Pick<Wallet, 'status'>, today: Date) {
  return {
    id: card.id,
    walletId: card.walletId,
    kind: card.kind,
    maskedNumber: card.maskedNumber,
    name: card.name,
    expirationDate: card.expirationDate.toISOString().slice(0, 10),
    expirationStatus: expirationStatusOf(card.expirationDate, today),
    active: card.active,
    frozen: card.active && wallet.status === 'blocked',
    createdAt: card.createdAt.toISOString(),
    destroyedAt: card.destroyedAt?.toISOString() ?? null,
  };
}

/** Bank identifiers (`/v1/wallets/{id}/instruments`, `/v1/instruments?iban=`) and cards. */
export function instrumentRoutes(app: TypedApp, context: ServiceContext): void {
  app.get(
    '/v1/wallets/:id/instruments',
    {
      schema: {
        tags: ['instruments'],
        summary: "A wallet's bank identifiers (IBAN, UK or US account)",
        params: IdParams,
        response: { 200: InstrumentList, ...errorResponses },
      },
    },
    async (request) => ({ data: (await listWalletInstruments(context, request.actor, request.params.id)).map(presentInstrument) }),
  );
  app.get(
    '/v1/instruments',
    {
      schema: {
        tags: ['instruments'],
        summary: 'Find the wallet of an IBAN, a UK sort code + account number or a US routing + account number',
        querystring: InstrumentQuery,
        response: { 200: InstrumentList, ...errorResponses },
      },
    },
    async (request) => ({ data: (await findInstruments(context, request.actor, request.query)).map(presentInstrument) }),
  );
  app.post(
    '/v1/wallets/:id/cards',
    {
      schema: {
        tags: ['cards'],
        summary: 'Issue a plastic or virtual card on a wallet',
        params: IdParams,
        body: CardCreate,
        response: { 201: Card, ...errorResponses },
      },
    },
    async (request, reply) => {
      return replyCreated(context, request, reply, async () => {
        const card = await issueCard(context, request.actor, request.params.id, request.body);
        return { statusCode: 201, body: presentCard(card, { status: 'active' }, context.clock()) };
      });
    },
  );
  app.get(
    '/v1/wallets/:id/cards',
    { schema: { tags: ['cards'], summary: "A wallet's cards (masked numbers only)", params: IdParams, response: { 200: CardList, ...errorResponses } } },
    async (request) => {
      const { wallet, cards } = await listCards(context, request.actor, request.params.id);
      const today = context.clock();
      return { data: cards.map((card) => presentCard(card, wallet, today)) };
    },
  );
}
