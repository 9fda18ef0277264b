import { parseAmount } from '../../domain/money.js';
import { getAuthorization, listCardAuthorizations, planAuthorization } from '../../services/card-authorizations.js';
import { planCapture, planVoid } from '../../services/holds.js';
import { type CardView, destroyCard, freezeCard, getCard, unfreezeCard } from '../../services/card-state.js';
import { replaceCard } from '../../services/cards.js';
import type { RuntimeContext } from '../../services/runtime.js';
import type { TypedApp } from '../typed-app.js';
import { emptyBodyAllowed } from '../validation.js';
import { replyMovement } from '../idempotent.js';
import type { Written } from '../../services/set-posting.js';
import { presentAuthorization, presentCard } from '../present-cards.js';
import { errorResponses, IdParams, Page, IdempotencyHeaders } from '../schemas/common.js';
import { EmptyBody } from '../schemas/hold.js';
import { Card, CardAuthorization, CardAuthorizationClear, CardAuthorizationCreate, CardAuthorizationListQuery } from '../schemas/instrument.js';

/** Cards one by one (`/v1/cards/{id}`: read, freeze, unfreeze, destroy, replace) and card authorizations. */
/** An authorization's answer after a movement of its hold: the hold as written, with its card and shop. */
function authorizationAnswer(card: { readonly cardId: string; readonly merchantName: string | null }): (written: Written) => unknown {
  return (written) => presentAuthorization({ ...written, cardId: card.cardId, merchantName: card.merchantName });
}

export function cardRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['cards'];
  const present = (view: CardView) => presentCard(view.card, view.wallet, context.clock());
  app.get(
    '/v1/cards/:id',
    { schema: { tags, summary: 'A card (masked number only)', params: IdParams, response: { 200: Card, ...errorResponses } } },
    async (request) => present(await getCard(context, request.actor, request.params.id)),
  );
  for (const [action, change, summary] of [
    ['freeze', freezeCard, 'Freeze a card by its own freeze (stays frozen when its wallet is unblocked)'],
    ['unfreeze', unfreezeCard, "Lift a card's own freeze (a blocked wallet's cards stay frozen with it)"],
    ['destroy', destroyCard, 'Destroy a card for good'],
    ['replace', replaceCard, 'Replace a card: a new number, the old card destroyed; answers the new card'],
  ] as const) {
    app.post(
      `/v1/cards/:id/${action}`,
      {
        preValidation: emptyBodyAllowed,
        schema: { tags, summary, params: IdParams, body: EmptyBody, response: { 200: Card, 201: Card, ...errorResponses } },
      },
      async (request, reply) => reply.code(action === 'replace' ? 201 : 200).send(present(await change(context, request.actor, request.params.id))),
    );
  }

  const authorizationResponse = { 201: CardAuthorization, 200: CardAuthorization, ...errorResponses };
  app.post(
    '/v1/cards/:id/authorizations',
    {
      schema: {
        tags,
        summary: "Authorize a payment by card: a hold on the card's wallet",
        params: IdParams,
        body: CardAuthorizationCreate,
        headers: IdempotencyHeaders,
        response: authorizationResponse,
      },
    },
    async (request, reply) => {
      const { amount, ...rest } = request.body;
      const parsed = parseAmount(amount);
      const merchantName = rest.merchantName ?? null;
      return replyMovement(context, request, reply, {
        status: 201,
        named: rest.toWalletId !== undefined ? [rest.toWalletId] : [],
        plan: (tx, actor, now) => planAuthorization(tx, actor, request.params.id, { ...rest, amount: parsed }, now),
        present: authorizationAnswer({ cardId: request.params.id, merchantName }),
      });
    },
  );
  app.get(
    '/v1/cards/:id/authorizations',
    {
      schema: {
        tags,
        summary: "A card's authorizations, newest first",
        params: IdParams,
        querystring: CardAuthorizationListQuery,
        response: { 200: Page(CardAuthorization), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listCardAuthorizations(context, request.actor, request.params.id, request.query.cursor, request.query.limit);
      return { data: page.data.map(presentAuthorization), nextCursor: page.nextCursor };
    },
  );
  app.get(
    '/v1/authorizations/:id',
    { schema: { tags, summary: 'A card authorization', params: IdParams, response: { 200: CardAuthorization, ...errorResponses } } },
    async (request) => presentAuthorization(await getAuthorization(context, request.actor, request.params.id)),
  );
  app.post(
    '/v1/authorizations/:id/clear',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'Clear all or part of a card authorization (the rest is released)',
        params: IdParams,
        body: CardAuthorizationClear,
        headers: IdempotencyHeaders,
        response: authorizationResponse,
      },
    },
    async (request, reply) => {
      const amount = request.body.amount === undefined ? null : parseAmount(request.body.amount);
      // Found (and checked for access) first: the answer names its card and shop.
      const authorization = await getAuthorization(context, request.actor, request.params.id);
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planCapture(tx, actor, authorization.id, amount, now),
        present: authorizationAnswer(authorization),
      });
    },
  );
  app.post(
    '/v1/authorizations/:id/reverse',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'Reverse a card authorization before it clears (its hold is voided)',
        params: IdParams,
        body: EmptyBody,
        headers: IdempotencyHeaders,
        response: authorizationResponse,
      },
    },
    async (request, reply) => {
      const authorization = await getAuthorization(context, request.actor, request.params.id);
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planVoid(tx, actor, authorization.id, now),
        present: authorizationAnswer(authorization),
      });
    },
  );
}
