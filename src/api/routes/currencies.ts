import { Type } from 'typebox';
import { limits } from '../../domain/limits.js';
import { addSystemAccount, countCurrencies, createCurrency, createIsoCurrency, getCurrency, listCurrencies, patchCurrency } from '../../services/currencies.js';
import type { RuntimeContext } from '../../services/runtime.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { presentCurrency, presentWallet } from '../present.js';
import { Wallet } from '../schemas/wallet.js';
import { errorResponses, IdParams, Page } from '../schemas/common.js';
import { Currency, CurrencyCreate, CurrencyListQuery, CurrencyPatch, IsoCurrencyCreate } from '../schemas/currency.js';

export function currencyRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['currencies'];

  app.post(
    '/v1/currencies',
    { schema: { tags, summary: 'Create a currency (admin)', body: CurrencyCreate, response: { 201: Currency, ...errorResponses } } },
    async (request, reply) => {
      return replyCreated(context, request, reply, async () => ({
        statusCode: 201,
        body: presentCurrency(await createCurrency(context, request.actor, request.body)),
      }));
    },
  );

  app.post(
    '/v1/currencies/iso/:code',
    {
      schema: {
        tags,
        summary: 'Add a real currency from the ISO 4217 table (admin)',
        description:
          'Idempotent: the first import of a code creates the currency and its system accounts (201); importing a code again, in any letter case, ' +
          'answers the currency imported first (200). A second currency with the same code can still be created with POST /v1/currencies. ' +
          'An Idempotency-Key replays the first answer (201 stays 201) and is refused with another code.',
        params: Type.Object({ code: Type.String({ maxLength: limits.isoCodeParamLengthMax }) }),
        body: Type.Union([IsoCurrencyCreate, Type.Null()]),
        response: { 200: Currency, 201: Currency, ...errorResponses },
      },
    },
    async (request, reply) => {
      return replyCreated(context, request, reply, async () => {
        const imported = await createIsoCurrency(context, request.actor, request.params.code, request.body ?? {});
        return { statusCode: imported.created ? 201 : 200, body: presentCurrency(imported.currency) };
      });
    },
  );

  app.get(
    '/v1/currencies',
    { schema: { tags, summary: 'List currencies', querystring: CurrencyListQuery, response: { 200: Page(Currency), ...errorResponses } } },
    async (request) => {
      const { include, ...query } = request.query;
      const page = await listCurrencies(context, query);
      const total = include === 'total' ? { total: await countCurrencies(context, query) } : {};
      return { data: page.data.map(presentCurrency), nextCursor: page.nextCursor, ...total };
    },
  );

  app.get(
    '/v1/currencies/:id',
    { schema: { tags, summary: 'Get a currency', params: IdParams, response: { 200: Currency, ...errorResponses } } },
    async (request) => {
      return presentCurrency(await getCurrency(context, request.params.id));
    },
  );

  app.patch(
    '/v1/currencies/:id',
    {
      schema: {
        tags,
        summary: 'Change name, symbol, numericCode, active or serialPrefix (admin)',
        params: IdParams,
        body: CurrencyPatch,
        response: { 200: Currency, ...errorResponses },
      },
    },
    async (request) => presentCurrency(await patchCurrency(context, request.actor, request.params.id, request.body)),
  );

  app.post(
    '/v1/currencies/:id/system-accounts',
    {
      schema: {
        tags,
        summary: "Add an operator's own system account to a currency, such as reserve (admin)",
        params: IdParams,
        body: Type.Object(
          {
            type: Type.String({
              pattern: '^[a-z][a-z0-9_]{1,31}$',
              description: 'A lower-case slug, unique per currency (issuing, settlement, fees and fx exist already).',
            }),
            name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: limits.nameLengthMax }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Wallet, ...errorResponses },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(presentWallet(await addSystemAccount(context, request.actor, request.params.id, request.body)));
    },
  );
}
