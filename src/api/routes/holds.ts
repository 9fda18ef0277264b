import type { Actor } from '../../domain/api-key.js';
import { checkBankAccount } from '../../domain/counterparty.js';
import { parseAmount } from '../../domain/money.js';
import type { Reservation } from '../../domain/reservation.js';
import type { TxStore } from '../../domain/store-port.js';
import type { ServiceContext } from '../../services/context.js';
import { captureHold, createHold, getReservation, listReservations, voidHold } from '../../services/holds.js';
import { createPendingCredit, failPendingCredit, settlePendingCredit } from '../../services/pending-credits.js';
import type { TypedApp } from '../typed-app.js';
import { replyIdempotent } from '../idempotent.js';
import { presentHold, presentPendingCredit } from '../present-reservations.js';
import { errorResponses, IdParams, Page } from '../schemas/common.js';
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

const headers = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', description: 'Makes the request safe to retry: the first answer is replayed.' } },
} as const;

type Work = (tx: TxStore, actor: Actor, now: Date) => Promise<Reservation>;

/** Capture, void, settle and fail may be sent without a body: it means `{}`. */
const emptyBodyAllowed = async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

/** Holds (`/v1/holds`) and pending credits (`/v1/pending-credits`): create, resolve, read, list. */
export function holdRoutes(app: TypedApp, context: ServiceContext): void {
  const run = (work: Work, present: (reservation: Reservation) => unknown) => (actor: Actor) => (tx: TxStore) => work(tx, actor, context.clock()).then(present);

  const tags = ['holds'];
  const holdResponse = { 201: Hold, 200: Hold, ...errorResponses };
  app.post(
    '/v1/holds',
    { schema: { tags, summary: 'Reserve money on a wallet', body: HoldCreate, headers, response: holdResponse } },
    async (request, reply) => {
      const { amount, expiresAt, ...rest } = request.body;
      const hold = run(
        (tx, actor, now) =>
          createHold(
            tx,
            actor,
            { ...rest, amount: parseAmount(amount), expiresAt: expiresAt === undefined || expiresAt === null ? null : new Date(expiresAt) },
            now,
          ),
        presentHold,
      );
      return replyIdempotent(context, request, reply, 201, hold(request.actor));
    },
  );
  app.post(
    '/v1/holds/:id/capture',
    {
      preValidation: emptyBodyAllowed,
      schema: { tags, summary: 'Capture all or part of a hold (the rest is released)', params: IdParams, body: HoldCapture, headers, response: holdResponse },
    },
    async (request, reply) => {
      const amount = request.body.amount === undefined ? null : parseAmount(request.body.amount);
      const capture = run((tx, actor, now) => captureHold(tx, actor, request.params.id, amount, now), presentHold);
      return replyIdempotent(context, request, reply, 200, capture(request.actor));
    },
  );
  app.post(
    '/v1/holds/:id/void',
    { preValidation: emptyBodyAllowed, schema: { tags, summary: 'Release a hold', params: IdParams, body: EmptyBody, headers, response: holdResponse } },
    async (request, reply) => {
      const release = run((tx, actor, now) => voidHold(tx, actor, request.params.id, now), presentHold);
      return replyIdempotent(context, request, reply, 200, release(request.actor));
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
        headers,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const { amount, source, ...rest } = request.body;
      const parsed = { ...rest, amount: parseAmount(amount), ...(source !== undefined ? { source: checkBankAccount(source, 'source') } : {}) };
      const credit = run((tx, actor, now) => createPendingCredit(tx, actor, parsed, now), presentPendingCredit);
      return replyIdempotent(context, request, reply, 201, credit(request.actor));
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
        headers,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const amount = request.body.amount === undefined ? null : parseAmount(request.body.amount);
      const work = run((tx, actor, now) => settlePendingCredit(tx, actor, request.params.id, amount, now), presentPendingCredit);
      return replyIdempotent(context, request, reply, 200, work(request.actor));
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
        headers,
        response: creditResponse,
      },
    },
    async (request, reply) => {
      const reason = request.body.reason ?? null;
      const work = run((tx, actor, now) => failPendingCredit(tx, actor, request.params.id, reason, now), presentPendingCredit);
      return replyIdempotent(context, request, reply, 200, work(request.actor));
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
