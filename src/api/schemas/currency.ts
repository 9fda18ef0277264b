import { Type } from 'typebox';
import { assetTypes } from '../../domain/currency.js';
import { limits } from '../../domain/limits.js';
import { IncludeQuery, Nullable, Timestamp, Uuid } from './common.js';

const AssetType = Type.Enum([...assetTypes]);
const Code = Type.String({
  minLength: 1,
  maxLength: limits.currencyCodeLengthMax,
  description: '1 to 12 of A-Z, a-z, 0-9 and _ (custom codes may be lower case: "btc"); not unique.',
});
const NumericCode = Type.String({
  minLength: 1,
  maxLength: limits.currencyNumericCodeLengthMax,
  description: 'The seed\'s digitalCode: 1 to 8 characters of the operator\'s choosing ("840" for ISO currencies).',
});
const Fraction = Type.Integer({ minimum: 1, description: 'Minor units per unit: 1, 10, 100 ... 10^18.' });
const SerialPrefix = Type.String({ maxLength: limits.serialPrefixLengthMax, pattern: '^[A-Za-z0-9_-]*$' });

export const Currency = Type.Object({
  id: Uuid,
  code: Type.String(),
  numericCode: Nullable(Type.String()),
  name: Type.String(),
  symbol: Nullable(Type.String()),
  fraction: Type.Integer(),
  assetType: AssetType,
  active: Type.Boolean(),
  serialPrefix: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CurrencyCreate = Type.Object(
  {
    code: Code,
    numericCode: Type.Optional(Nullable(NumericCode)),
    name: Type.String({ minLength: 1, maxLength: limits.nameLengthMax }),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: limits.currencySymbolLengthMax }))),
    fraction: Fraction,
    assetType: AssetType,
    active: Type.Optional(Type.Boolean()),
    serialPrefix: Type.Optional(Nullable(SerialPrefix)),
  },
  { additionalProperties: false },
);

export const CurrencyPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: limits.nameLengthMax })),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: limits.currencySymbolLengthMax }))),
    numericCode: Type.Optional(Nullable(NumericCode)),
    active: Type.Optional(Type.Boolean()),
    serialPrefix: Type.Optional(Nullable(SerialPrefix)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const IsoCurrencyCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: limits.nameLengthMax })),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: limits.currencySymbolLengthMax }))),
    assetType: Type.Optional(AssetType),
    active: Type.Optional(Type.Boolean()),
    serialPrefix: Type.Optional(Nullable(SerialPrefix)),
  },
  { additionalProperties: false },
);

export const CurrencyListQuery = Type.Object(
  {
    active: Type.Optional(Type.Boolean()),
    code: Type.Optional(Code),
    cursor: Type.Optional(Type.String({ maxLength: limits.cursorLengthMax })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.pageSizeMax })),
    ...IncludeQuery,
  },
  { additionalProperties: false },
);
