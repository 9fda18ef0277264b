import { checkBankAccount } from '../../domain/counterparty.js';
import { parseAmount } from '../../domain/money.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { getReservation, listReservations, planCapture, planHold, planVoid } from '../../services/holds.js';
import { planCreditFailure, planPendingCredit, planSettlement } from '../../services/pending-credits.js';
import type { TypedApp } from '../typed-app.js';
import { emptyBodyAllowed } from '../validation.js';
import { replyMovement } from '../idempotent.js';
import { presentHold, presentPendingCredit } from '../present-reservations.js';
import { errorResponses, IdParams, Page, IdempotencyHeaders } from '../schemas/common.js';
import {
  EmptyBody,
  Hold,
  HoldCapture,
  HoldCreate,
  PendingCredit,
  PendingCreditCreate,
  PendingCreditFail,
  PendingCreditSettle,
  ReservationListQuery,
} from '../schemas/hold.js';

/** Holds (`/v1/holds`) and pending credits (`/v1/pending-credits`): create, resolve, read, list. */
export function holdRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['holds'];
  const holdResponse = { 201: Hold, 200: Hold, ...errorResponses };
  app.post(
    '/v1/holds',
    { schema: { tags, summary: 'Reserve money on a wallet', body: HoldCreate, headers: IdempotencyHeaders, response: holdResponse } },
    async (request, reply) => {
      const { amount, expiresAt, ...rest } = request.body;
      const hold = { ...rest, amount: parseAmount(amount), expiresAt: expiresAt === undefined || expiresAt === null ? null : new Date(expiresAt) };
      const named = [hold.walletId, ...(hold.toWalletId !== undefined ? [hold.toWalletId] : [])];
      return replyMovement(context, request, reply, {
        status: 201,
        named: named,
        plan: (tx, actor, now) => planHold(tx, actor, hold, now),
        present: presentHold,
      });
    },
  );
  app.post(
    '/v1/holds/:id/capture',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'Capture all or part of a hold (the rest is released)',
        params: IdParams,
        body: HoldCapture,
        headers: IdempotencyHeaders,
        response: holdResponse,
      },
    },
    async (request, reply) => {
      const amount = request.body.amount === undefined ? null : parseAmount(request.body.amount);
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planCapture(tx, actor, request.params.id, amount, now),
        present: presentHold,
      });
    },
  );
  app.post(
    '/v1/holds/:id/void',
    {
      preValidation: emptyBodyAllowed,
      schema: { tags, summary: 'Release a hold', params: IdParams, body: EmptyBody, headers: IdempotencyHeaders, response: holdResponse },
    },
    async (request, reply) => {
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planVoid(tx, actor, request.params.id, now),
        present: presentHold,
      });
    },
  );
  app.get(
    '/v1/holds',
    {
      schema: {
        tags,
        summary: 'List holds, newest first (per wallet, by status)',
        querystring: ReservationListQuery,
        response: { 200: Page(Hold), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listReservations(context, request.actor, 'hold', request.query);
      return { data: page.data.map(presentHold), nextCursor: page.nextCursor };
    },
  );
  app.get('/v1/holds/:id', { schema: { tags, summary: 'A hold', params: IdParams, response: { 200: Hold, ...errorResponses } } }, async (request) => {
    return presentHold(await getReservation(context, request.actor, 'hold', request.params.id));
  });

  const creditTags = ['pending credits'];
  const creditResponse = { 201: PendingCredit, 200: PendingCredit, ...errorResponses };
  app.post(
    '/v1/pending-credits',
    {
      schema: {
        tags: creditTags,
        summary: 'Announce incoming money (pending, not yet available)',
        body: PendingCreditCreate,
        headers: IdempotencyHeaders,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const { amount, source, ...rest } = request.body;
      const parsed = { ...rest, amount: parseAmount(amount), ...(source !== undefined ? { source: checkBankAccount(source, 'source') } : {}) };
      const named = [parsed.walletId, ...(parsed.fromWalletId !== undefined ? [parsed.fromWalletId] : [])];
      return replyMovement(context, request, reply, {
        status: 201,
        named: named,
        plan: (tx, actor, now) => planPendingCredit(tx, actor, parsed, now),
        present: presentPendingCredit,
      });
    },
  );
  app.post(
    '/v1/pending-credits/:id/settle',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags: creditTags,
        summary: 'The money arrived: post what arrived (at most the announced amount), release the rest',
        params: IdParams,
        body: PendingCreditSettle,
        headers: IdempotencyHeaders,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const amount = request.body.amount === undefined ? null : parseAmount(request.body.amount);
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planSettlement(tx, actor, request.params.id, amount, now),
        present: presentPendingCredit,
      });
    },
  );
  app.post(
    '/v1/pending-credits/:id/fail',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags: creditTags,
        summary: 'The money will not arrive: release it, with a reason',
        params: IdParams,
        body: PendingCreditFail,
        headers: IdempotencyHeaders,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const reason = request.body.reason ?? null;
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planCreditFailure(tx, actor, request.params.id, reason, now),
        present: presentPendingCredit,
      });
    },
  );
  app.get(
    '/v1/pending-credits',
    {
      schema: {
        tags: creditTags,
        summary: 'List pending credits, newest first',
        querystring: ReservationListQuery,
        response: { 200: Page(PendingCredit), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listReservations(context, request.actor, 'pending_credit', request.query);
      return { data: page.data.map(presentPendingCredit), nextCursor: page.nextCursor };
    },
  );
  app.get(
    '/v1/pending-credits/:id',
    { schema: { tags: creditTags, summary: 'A pending credit', params: IdParams, response: { 200: PendingCredit, ...errorResponses } } },
    async (request) => {
      return presentPendingCredit(await getReservation(context, request.actor, 'pending_credit', request.params.id));
    },
  );
}
