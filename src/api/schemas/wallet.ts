import { Type } from 'typebox';
import { limits } from '../../domain/limits.js';
import { walletStatuses } from '../../domain/wallet.js';
import { Card, Instrument } from './instrument.js';
import { AmountInput, AmountOutput, IncludeQuery, Metadata, Nullable, PageQuery, Timestamp, Uuid } from './common.js';
import { BalanceView } from './exchange.js';

export const Balance = Type.Object({
  posted: AmountOutput,
  held: AmountOutput,
  pending: AmountOutput,
  available: AmountOutput,
  ledger: AmountOutput,
  creditLimit: AmountOutput,
});

const Status = Type.Enum([...walletStatuses]);

/** The wallet's currency, inline, so a client needs no second call to show it. */
const WalletCurrency = Type.Object(
  { id: Uuid, code: Type.String(), symbol: Nullable(Type.String()), fraction: Type.Integer(), assetType: Type.String() },
  { description: "The wallet's currency: id, code, symbol, fraction, assetType." },
);

export const Wallet = Type.Object({
  id: Uuid,
  serial: Type.String(),
  name: Nullable(Type.String()),
  currencyId: Uuid,
  category: Type.Union([Type.Literal('client'), Type.Literal('system')]),
  type: Type.String(),
  merchantId: Nullable(Type.String()),
  customerId: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  alias: Nullable(Type.String()),
  program: Nullable(Type.String()),
  main: Type.Boolean(),
  accounting: Type.Boolean(),
  creditLimit: AmountOutput,
  lowBalanceThreshold: Nullable(AmountOutput),
  parentWalletId: Nullable(Uuid),
  status: Status,
  statusReason: Nullable(Type.String()),
  statusDescription: Nullable(Type.String()),
  statusChangedAt: Nullable(Timestamp),
  statusChangedBy: Nullable(Type.String({ description: 'The id of the API key that made the last status change.' })),
  metadata: Type.Record(Type.String(), Type.String()),
  balance: Balance,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  currency: Type.Optional(WalletCurrency),
  instruments: Type.Optional(Type.Array(Instrument, { description: 'With `?expand=instruments`: the bank identifiers.' })),
  cards: Type.Optional(Type.Array(Card, { description: 'With `?expand=cards`: the cards (masked numbers only).' })),
});

const Expand = Type.String({
  pattern: '^(instruments|cards)(,(instruments|cards))?$',
  description: 'Comma-separated: `instruments`, `cards`: returned inside each wallet.',
});

export const WalletGetQuery = Type.Object({ expand: Type.Optional(Expand) }, { additionalProperties: false });

const Identifier = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const WalletCreate = Type.Object(
  {
    currencyId: Uuid,
    name: Type.Optional(Nullable(Type.String({ maxLength: limits.nameLengthMax }))),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: limits.walletTypeLengthMax, pattern: '^[a-z][a-z0-9_]*$' })),
    merchantId: Type.Optional(Nullable(Identifier(limits.identifierLengthMax))),
    customerId: Type.Optional(Nullable(Identifier(limits.identifierLengthMax))),
    externalId: Type.Optional(Nullable(Identifier(limits.externalIdLengthMax))),
    alias: Type.Optional(Nullable(Type.String({ maxLength: limits.walletAliasLengthMax }))),
    program: Type.Optional(Nullable(Identifier(limits.identifierLengthMax))),
    main: Type.Optional(Type.Boolean()),
    creditLimit: Type.Optional(AmountInput),
    lowBalanceThreshold: Type.Optional(Nullable(AmountInput)),
    parentWalletId: Type.Optional(Nullable(Uuid)),
    metadata: Type.Optional(Metadata),
    skipIbanGeneration: Type.Optional(Type.Boolean({ description: 'Create the wallet without a bank identifier (IBAN, UK or US account).' })),
  },
  { additionalProperties: false },
);

/** POST /v1/wallets/bulk: many wallets in one request, each independent (limits.walletBulkItemsMax). */
export const WalletBulkCreate = Type.Object(
  { items: Type.Array(WalletCreate, { minItems: 1, maxItems: limits.walletBulkItemsMax }) },
  { additionalProperties: false },
);

export const WalletBulkResult = Type.Object({
  created: Type.Integer(),
  existing: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      status: Type.Union([Type.Literal('created'), Type.Literal('existing'), Type.Literal('failed')]),
      wallet: Type.Optional(Wallet),
      error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
    }),
  ),
});

export const WalletPatch = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: limits.nameLengthMax }))),
    alias: Type.Optional(Nullable(Type.String({ maxLength: limits.walletAliasLengthMax }))),
    creditLimit: Type.Optional(AmountInput),
    lowBalanceThreshold: Type.Optional(Nullable(AmountInput)),
    main: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WalletListQuery = Type.Object(
  {
    merchantId: Type.Optional(Identifier(limits.identifierLengthMax)),
    customerId: Type.Optional(Identifier(limits.identifierLengthMax)),
    currencyId: Type.Optional(Uuid),
    category: Type.Optional(Type.Union([Type.Literal('client'), Type.Literal('system')])),
    type: Type.Optional(Type.String({ maxLength: limits.walletTypeLengthMax })),
    status: Type.Optional(Type.Enum([...walletStatuses, 'inactive'], { description: '`inactive` is an alias of `blocked`.' })),
    program: Type.Optional(Identifier(limits.identifierLengthMax)),
    externalId: Type.Optional(Identifier(limits.externalIdLengthMax)),
    parentWalletId: Type.Optional(Uuid),
    expand: Type.Optional(Expand),
    ...PageQuery,
    ...IncludeQuery,
  },
  { additionalProperties: false },
);

export const BalanceQuery = Type.Object(
  {
    at: Type.Optional(Type.String({ format: 'date-time', description: 'Read the balance as it was at this instant.' })),
    units: Type.Optional(
      Type.String({
        maxLength: limits.unitsQueryLengthMax,
        pattern: '^(major|minor)(,(major|minor))?$',
        description: 'Adds `views`: "major", "minor" or "major,minor" (default both when valueIn is given).',
      }),
    ),
    valueIn: Type.Optional({ ...Uuid, description: 'Adds `views` valued in this currency at the current rate, naming the rate and its time.' }),
  },
  { additionalProperties: false },
);

export const BalanceReading = Type.Object({
  walletId: Uuid,
  currencyId: Uuid,
  at: Timestamp,
  balance: Balance,
  views: Type.Optional(Type.Array(BalanceView, { description: 'Present when units or valueIn is given.' })),
});
