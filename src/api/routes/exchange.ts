import type { Static } from 'typebox';
import type { CurrencyRate } from '../../domain/rate.js';
import { parseAmount } from '../../domain/money.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { createQuote, getQuote } from '../../services/quotes.js';
import { getRate, listRates, rateHistory, setRate } from '../../services/rates.js';
import { namedWallets, planMovement } from '../../services/transactions.js';
import type { TypedApp } from '../typed-app.js';
import { replyIdempotent, replyMovement } from '../idempotent.js';
import { presentQuote, presentRate } from '../present-exchange.js';
import { presentTransactionWithEntries } from '../present.js';
import { errorResponses, IdParams, Page, IdempotencyHeaders } from '../schemas/common.js';
import { ExchangeBody, PairParams, Quote, QuoteBody, Rate, RateBody, RateHistoryQuery, RateListQuery } from '../schemas/exchange.js';
import { TransactionWithEntries } from '../schemas/transaction.js';
import { movementOf } from './transactions.js';

/** Rates (admin sets, anyone reads), quotes that lock a rate, and exchanges between currencies. */
export function exchangeRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['exchange'];
  /** Rates with both currencies' codes beside their ids (one lookup for the page). */
  const presentRates = async (rates: readonly CurrencyRate[]) => {
    const codes = await context.store.read.currencyCodes(rates.flatMap((rate) => [rate.baseCurrencyId, rate.quoteCurrencyId]));
    return rates.map((rate) => presentRate(rate, codes));
  };
  const presentOneRate = async (rate: CurrencyRate) => (await presentRates([rate]))[0];

  app.put(
    '/v1/rates/:baseCurrencyId/:quoteCurrencyId',
    {
      schema: {
        tags,
        summary: 'Set the rate of an ordered pair: 1 unit of base = rate units of quote (admin)',
        params: PairParams,
        body: RateBody,
        response: { 200: Rate, ...errorResponses },
      },
    },
    async (request) => presentOneRate(await setRate(context, request.actor, request.params.baseCurrencyId, request.params.quoteCurrencyId, request.body.rate)),
  );

  app.get(
    '/v1/rates',
    { schema: { tags, summary: 'Current rates, by pair', querystring: RateListQuery, response: { 200: Page(Rate), ...errorResponses } } },
    async (request) => {
      const page = await listRates(context, request.query);
      return { data: await presentRates(page.data), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/rates/:baseCurrencyId/:quoteCurrencyId',
    { schema: { tags, summary: 'The current rate of a pair', params: PairParams, response: { 200: Rate, ...errorResponses } } },
    async (request) => presentOneRate(await getRate(context, request.params.baseCurrencyId, request.params.quoteCurrencyId)),
  );

  app.get(
    '/v1/rates/:baseCurrencyId/:quoteCurrencyId/history',
    {
      schema: {
        tags,
        summary: 'Every rate a pair has had, newest first',
        params: PairParams,
        querystring: RateHistoryQuery,
        response: { 200: Page(Rate), ...errorResponses },
      },
    },
    async (request) => {
      const page = await rateHistory(context, request.params.baseCurrencyId, request.params.quoteCurrencyId, request.query.cursor, request.query.limit);
      return { data: await presentRates(page.data), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/quotes',
    {
      schema: {
        tags,
        summary: 'Lock the current rate for one exchange of this amount, for a short time',
        body: QuoteBody,
        headers: IdempotencyHeaders,
        response: { 201: Quote, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = { ...request.body, amount: parseAmount(request.body.amount) };
      return replyIdempotent(context, request, reply, 201, async (tx) => presentQuote(await createQuote(context, tx, request.actor, body, context.clock())));
    },
  );

  app.get(
    '/v1/quotes/:id',
    { schema: { tags, summary: 'A quote, and whether it was used', params: IdParams, response: { 200: Quote, ...errorResponses } } },
    async (request) => {
      return presentQuote(await getQuote(context, request.actor, request.params.id));
    },
  );

  app.post(
    '/v1/exchanges',
    {
      schema: {
        tags,
        summary: 'Exchange between wallets of two currencies (one customer, or a cross-currency transfer), atomically',
        body: ExchangeBody,
        headers: IdempotencyHeaders,
        response: { 201: TransactionWithEntries, ...errorResponses },
      },
    },
    async (request, reply) => {
      const exchange = movementOf({ ...request.body, kind: 'exchange' } as Static<typeof ExchangeBody> & { kind: 'exchange' });
      return replyMovement(context, request, reply, {
        status: 201,
        named: namedWallets(exchange),
        plan: (tx, actor, now) => planMovement(tx, actor, exchange, now),
        present: presentTransactionWithEntries,
      });
    },
  );
}
