import { Type } from 'typebox';
import { cardKinds } from '../../domain/card.js';
import { instrumentStatuses } from '../../domain/bank-identifiers.js';
import { transactionStatuses } from '../../domain/transaction.js';
import { limits } from '../../domain/limits.js';
import { AmountInput, AmountOutput, Metadata, Nullable, PageQuery, Timestamp, Uuid } from './common.js';

export const Instrument = Type.Object({
  id: Uuid,
  walletId: Uuid,
  kind: Type.Enum(['iban', 'uk_account', 'us_account']),
  iban: Nullable(Type.String()),
  sortCode: Nullable(Type.String()),
  routingNumber: Nullable(Type.String()),
  accountNumber: Nullable(Type.String()),
  active: Type.Boolean({ description: 'False once the wallet is closed.' }),
  status: Type.Enum([...instrumentStatuses], {
    description: 'Verification status, set by an admin (PATCH /v1/instruments/{id}); identifiers Coffer generates start VERIFIED.',
  }),
  externallyVerified: Type.Boolean({ description: 'Verified outside Coffer (by the bank or a provider); set by an admin.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deactivatedAt: Nullable(Timestamp),
});

export const InstrumentCreate = Type.Object(
  {
    kind: Type.Enum(['iban', 'uk_account', 'us_account'], {
      description: "iban: needs an IBAN plan for the wallet's currency code; uk_account and us_account: a fiat wallet.",
    }),
  },
  { additionalProperties: false },
);

export const InstrumentPatch = Type.Object(
  { status: Type.Optional(Type.Enum([...instrumentStatuses])), externallyVerified: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, description: 'What an admin may change: the verification status and whether it was verified outside.' },
);

export const InstrumentList = Type.Object({ data: Type.Array(Instrument) });

export const InstrumentQuery = Type.Object(
  {
    iban: Type.Optional(Type.String({ minLength: 5, maxLength: 64, description: 'An IBAN, with or without spaces.' })),
    sortCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}-?[0-9]{2}-?[0-9]{2}$', description: 'A UK sort code (with accountNumber).' })),
    routingNumber: Type.Optional(Type.String({ pattern: '^[0-9]{9}$', description: 'A US ABA routing number (with accountNumber).' })),
    accountNumber: Type.Optional(Type.String({ pattern: '^[0-9]{4,17}$', description: 'The account number that goes with sortCode or routingNumber.' })),
  },
  { additionalProperties: false, description: 'Exactly one of: iban; sortCode + accountNumber; routingNumber + accountNumber.' },
);

export const CardCreate = Type.Object(
  {
    kind: Type.Enum([...cardKinds]),
    name: Type.Optional(Nullable(Type.String({ maxLength: limits.cardNameLengthMax, description: 'The name printed on the card.' }))),
  },
  { additionalProperties: false },
);

export const Card = Type.Object({
  id: Uuid,
  walletId: Uuid,
  kind: Type.Enum([...cardKinds]),
  maskedNumber: Type.String({ description: 'First 6 and last 4 digits; the full number is never stored or shown.' }),
  name: Nullable(Type.String()),
  expirationDate: Type.String({ format: 'date' }),
  expirationStatus: Type.Enum(['ACTIVE', 'EXPIRED']),
  active: Type.Boolean({ description: 'False once destroyed (destroy, replace, or the wallet closed).' }),
  frozen: Type.Boolean({ description: 'True while frozen by its own freeze or by its wallet being blocked: it cannot authorize payments.' }),
  frozenByCard: Type.Boolean({ description: 'Frozen by POST /v1/cards/{id}/freeze: stays frozen when the wallet is unblocked.' }),
  frozenByWallet: Type.Boolean({ description: 'Frozen because its wallet is blocked: thaws when the wallet is unblocked.' }),
  replacesCardId: Nullable(Type.String({ format: 'uuid', description: 'The card this one replaced.' })),
  createdAt: Timestamp,
  destroyedAt: Nullable(Timestamp),
});

export const CardList = Type.Object({ data: Type.Array(Card) });

const authorizationDetails = {
  description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  reference: Type.Optional(Nullable(Type.String({ maxLength: limits.referenceLengthMax }))),
  metadata: Type.Optional(Metadata),
};

export const CardAuthorizationCreate = Type.Object(
  {
    amount: AmountInput,
    merchantName: Type.Optional(Nullable(Type.String({ maxLength: limits.nameLengthMax, description: 'The shop the card paid at.' }))),
    toWalletId: Type.Optional(
      Type.String({ format: 'uuid', description: "Who receives the money when the authorization clears; the currency's settlement account by default." }),
    ),
    ...authorizationDetails,
  },
  { additionalProperties: false },
);

export const CardAuthorizationClear = Type.Object(
  { amount: Type.Optional(AmountInput) },
  { additionalProperties: false, description: 'Clear all of the authorization, or `amount` of it (the rest is released).' },
);

export const CardAuthorization = Type.Object({
  id: Uuid,
  cardId: Uuid,
  merchantName: Nullable(Type.String()),
  status: Type.Enum([...transactionStatuses], { description: 'pending until cleared (posted), reversed (voided) or expired.' }),
  merchantId: Nullable(Type.String()),
  currencyId: Uuid,
  amount: AmountOutput,
  description: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  walletId: Uuid,
  toWalletId: Uuid,
  capturedAmount: Nullable(AmountOutput),
  expiresAt: Nullable(Timestamp),
  createdAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
});

export const CardAuthorizationListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
