import { Type } from 'typebox';
import { assetTypes } from '../../domain/currency.js';
import { Nullable, Timestamp, Uuid } from './common.js';

const AssetType = Type.Enum([...assetTypes]);
const Code = Type.String({ minLength: 1, maxLength: 12, description: '1 to 12 of A-Z, 0-9 and _; not unique.' });
const Fraction = Type.Integer({ minimum: 1, description: 'Minor units per unit: 1, 10, 100 ... 10^18.' });
const SerialPrefix = Type.String({ maxLength: 12, pattern: '^[A-Za-z0-9_-]*$' });

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
    numericCode: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{3}$' }))),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    fraction: Fraction,
    assetType: AssetType,
    active: Type.Optional(Type.Boolean()),
    serialPrefix: Type.Optional(Nullable(SerialPrefix)),
  },
  { additionalProperties: false },
);

export const CurrencyPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    active: Type.Optional(Type.Boolean()),
    serialPrefix: Type.Optional(Nullable(SerialPrefix)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const IsoCurrencyCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    symbol: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
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
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
