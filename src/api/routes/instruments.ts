import { issueCard, listCards } from '../../services/cards.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { addInstrument, findInstruments, getInstrument, listWalletInstruments, patchInstrument } from '../../services/instruments.js';
import { presentCard, presentInstrument } from '../present-cards.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { Card, CardCreate, CardList, Instrument, InstrumentCreate, InstrumentList, InstrumentPatch, InstrumentQuery } from '../schemas/instrument.js';

/** Bank identifiers (`/v1/wallets/{id}/instruments`, `/v1/instruments?iban=`, `/v1/instruments/{id}`) and issuing cards. */
export function instrumentRoutes(app: TypedApp, context: RuntimeContext): void {
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
    '/v1/wallets/:id/instruments',
    {
      schema: {
        tags: ['instruments'],
        summary: 'Add a bank identifier (IBAN, UK or US account) to a wallet',
        params: IdParams,
        body: InstrumentCreate,
        response: { 201: Instrument, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentInstrument(await addInstrument(context, request.actor, request.params.id, request.body.kind))),
  );
  app.get(
    '/v1/instruments/:id',
    { schema: { tags: ['instruments'], summary: 'A bank identifier', params: IdParams, response: { 200: Instrument, ...errorResponses } } },
    async (request) => presentInstrument(await getInstrument(context, request.actor, request.params.id)),
  );
  app.patch(
    '/v1/instruments/:id',
    {
      schema: {
        tags: ['instruments'],
        summary: "Set a bank identifier's verification status (admin)",
        params: IdParams,
        body: InstrumentPatch,
        response: { 200: Instrument, ...errorResponses },
      },
    },
    async (request) => presentInstrument(await patchInstrument(context, request.actor, request.params.id, request.body)),
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
