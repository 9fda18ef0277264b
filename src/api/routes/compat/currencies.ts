import { Type } from 'typebox';
import type { Currency as CurrencyValue } from '../../../domain/currency.js';
import { limits } from '../../../domain/limits.js';
import { getCurrency, listCurrencies } from '../../../services/currencies.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import type { TypedApp } from '../../typed-app.js';
import { errorResponses, IdParams, Nullable, Uuid } from '../../schemas/common.js';

/** The currencies seed's entity: `GET /currencies`, field for field. */
const SeedCurrency = Type.Object(
  {
    id: Uuid,
    currencyCode: Type.String({ description: 'Coffer `code`: the code the operator set, or the ISO 4217 code.' }),
    digitalCode: Nullable(Type.String({ description: 'Coffer `numericCode` (e.g. "840").' })),
    name: Type.String(),
    symbol: Nullable(Type.String()),
    fraction: Type.Integer({ description: 'Minor units per unit (100 for USD).' }),
    active: Type.Boolean({ description: 'false forbids every operation on its wallets and new wallets in it.' }),
    snPrefix: Nullable(Type.String({ description: 'Coffer `serialPrefix`: prefixes the serials of new wallets (e.g. "840_").' })),
  },
  { additionalProperties: false },
);

const CurrencyQuery = Type.Object(
  {
    active: Type.Optional(Type.Boolean({ description: 'Only active (true) or inactive (false) currencies.' })),
    currencyCode: Type.Optional(Type.String({ maxLength: limits.currencyCodeLengthMax, description: 'Only currencies with this code.' })),
  },
  { additionalProperties: false },
);

/** The most currencies one answer lists (the seed's list has no pages). */
const listMax = 5000;

export function seedCurrency(currency: CurrencyValue) {
  return {
    id: currency.id,
    currencyCode: currency.code,
    digitalCode: currency.numericCode,
    name: currency.name,
    symbol: currency.symbol,
    fraction: Number(currency.fraction),
    active: currency.active,
    snPrefix: currency.serialPrefix,
  };
}

/** Drop-in view of the currencies seed (`/compat/currencies`): the same currencies as `/v1/currencies`. */
export function compatCurrencyRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['compat: currencies seed'];
  app.get(
    '/compat/currencies',
    {
      schema: {
        tags,
        summary: 'List currencies in the currencies seed shape',
        description:
          "The currencies seed's `GET /currencies`: a JSON array of `{id, currencyCode, digitalCode, name, symbol, fraction, active, snPrefix}`, oldest first.",
        querystring: CurrencyQuery,
        response: { 200: Type.Array(SeedCurrency), ...errorResponses },
      },
    },
    async (request) => {
      const all: CurrencyValue[] = [];
      let cursor: string | undefined;
      do {
        const page = await listCurrencies(context, {
          ...(request.query.active !== undefined ? { active: request.query.active } : {}),
          ...(request.query.currencyCode !== undefined ? { code: request.query.currencyCode } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          limit: 500,
        });
        all.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && all.length < listMax);
      return all.map(seedCurrency);
    },
  );
  app.get(
    '/compat/currencies/:id',
    {
      schema: {
        tags,
        summary: 'Get a currency in the currencies seed shape',
        description: 'One currency as the currencies seed shows it.',
        params: IdParams,
        response: { 200: SeedCurrency, ...errorResponses },
      },
    },
    async (request) => seedCurrency(await getCurrency(context, request.params.id)),
  );
}
