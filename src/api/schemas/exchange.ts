import { Type } from 'typebox';
import { limits } from '../../domain/limits.js';
import { AmountInput, AmountOutput, Metadata, Nullable, PageQuery, Timestamp, Uuid } from './common.js';

/** A rate on input: a string, parsed exactly in the domain (a JSON number would already be a float). */
const RateInput = Type.String({
  maxLength: limits.rateTextLengthMax,
  description: 'A positive decimal string such as "0.92": up to 18 significant digits, no sign, no exponent.',
});
const RateOutput = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'Exact decimal: 1 unit of base (source) = rate units of quote (target).' });
const DecimalOutput = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'An exact decimal, never rounded.' });

export const PairParams = Type.Object({ baseCurrencyId: Uuid, quoteCurrencyId: Uuid });
export const RateBody = Type.Object({ rate: RateInput }, { additionalProperties: false });

export const Rate = Type.Object({
  baseCurrencyId: Uuid,
  baseCurrencyCode: Type.String({ description: "The base currency's code, beside its id (codes are not unique)." }),
  quoteCurrencyId: Uuid,
  quoteCurrencyCode: Type.String({ description: "The quote currency's code, beside its id." }),
  rate: RateOutput,
  setBy: Nullable(Type.String({ description: 'The API key id that set it.' })),
  setAt: Timestamp,
});

export const RateListQuery = Type.Object(
  { baseCurrencyId: Type.Optional(Uuid), quoteCurrencyId: Type.Optional(Uuid), ...PageQuery },
  { additionalProperties: false },
);
export const RateHistoryQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const QuoteBody = Type.Object({ fromCurrencyId: Uuid, toCurrencyId: Uuid, amount: AmountInput }, { additionalProperties: false });

export const Quote = Type.Object({
  id: Uuid,
  fromCurrencyId: Uuid,
  toCurrencyId: Uuid,
  rate: RateOutput,
  rateSetAt: Timestamp,
  amount: AmountOutput,
  targetAmount: AmountOutput,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  usedAt: Nullable(Timestamp),
  transactionId: Nullable(Uuid),
});

const FeeInput = Type.Object(
  { amount: AmountInput, description: Type.Optional(Nullable(Type.String({ maxLength: limits.feeDescriptionLengthMax }))) },
  { additionalProperties: false },
);

/** Shared by POST /v1/exchanges and exchange items of a batch. */
export const exchangeFields = {
  fromWalletId: Uuid,
  toWalletId: Uuid,
  amount: { ...AmountInput, description: 'In the source wallet currency, minor units.' },
  quoteId: Type.Optional(Uuid),
  description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  reference: Type.Optional(Nullable(Type.String({ maxLength: limits.referenceLengthMax }))),
  metadata: Type.Optional(Metadata),
  fees: Type.Optional(
    Type.Array(FeeInput, {
      maxItems: limits.feesPerTransactionMax,
      description: 'In the source currency, paid by the source wallet to its currency fees account.',
    }),
  ),
};
export const ExchangeBody = Type.Object(exchangeFields, { additionalProperties: false });

/** The exchange facts shown on a transaction (null for other kinds). */
export const ExchangeDetails = Type.Object({
  rate: RateOutput,
  quoteId: Nullable(Uuid),
  targetCurrencyId: Uuid,
  targetAmount: AmountOutput,
});

export const BalanceView = Type.Object({
  unit: Type.Enum(['major', 'minor']),
  currencyId: Uuid,
  code: Type.String(),
  rate: Nullable(RateOutput),
  rateSetAt: Nullable(Timestamp),
  posted: DecimalOutput,
  held: DecimalOutput,
  pending: DecimalOutput,
  available: DecimalOutput,
  ledger: DecimalOutput,
  creditLimit: DecimalOutput,
});
