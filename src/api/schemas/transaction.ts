import { Type } from 'typebox';
import { limits } from '../../domain/limits.js';
import { transactionKinds, transactionStatuses } from '../../domain/transaction.js';
import { AmountInput, AmountOutput, IncludeQuery, Metadata, Nullable, PageQuery, Timestamp, Uuid } from './common.js';
import { ExchangeDetails, exchangeFields } from './exchange.js';

const Kind = Type.Enum([...transactionKinds]);
const Status = Type.Enum([...transactionStatuses]);
const Direction = Type.Union([Type.Literal('debit'), Type.Literal('credit')]);

const FeeInput = Type.Object(
  { amount: AmountInput, description: Type.Optional(Nullable(Type.String({ maxLength: limits.feeDescriptionLengthMax }))) },
  { additionalProperties: false },
);

/** Optional fields every money-moving body shares. */
const details = {
  description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  reference: Type.Optional(Nullable(Type.String({ maxLength: limits.referenceLengthMax }))),
  metadata: Type.Optional(Metadata),
  fees: Type.Optional(
    Type.Array(FeeInput, { maxItems: limits.feesPerTransactionMax, description: 'Extra entries to the currency fees account, paid by the customer wallet.' }),
  ),
};

/** A bank account outside Coffer, named by exactly one of: `iban`; `sortCode` + `accountNumber` (UK); `routingNumber` + `accountNumber` (US). */
export const BankAccountInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: limits.counterpartyNameLengthMax, description: 'The account holder.' }),
    iban: Type.Optional(Type.String({ minLength: 5, maxLength: 42, description: 'An IBAN with valid check digits (spaces allowed).' })),
    sortCode: Type.Optional(Type.String({ minLength: 6, maxLength: 8, description: 'UK sort code: 6 digits (dashes allowed).' })),
    routingNumber: Type.Optional(Type.String({ minLength: 9, maxLength: 9, description: 'US ABA routing number.' })),
    accountNumber: Type.Optional(Type.String({ minLength: 4, maxLength: 17, description: 'With sortCode (8 digits) or routingNumber (4 to 17 digits).' })),
  },
  { additionalProperties: false },
);

export const BankAccount = Type.Object({
  name: Type.String(),
  iban: Nullable(Type.String()),
  sortCode: Nullable(Type.String()),
  routingNumber: Nullable(Type.String()),
  accountNumber: Nullable(Type.String()),
});

export const TopupBody = Type.Object({ walletId: Uuid, amount: AmountInput, ...details }, { additionalProperties: false });
export const WithdrawalBody = Type.Object({ walletId: Uuid, amount: AmountInput, ...details }, { additionalProperties: false });
/** The route's withdrawal body: a `destination` makes it a payout through the bank rails (not in batches). */
export const WithdrawalRequestBody = Type.Object(
  {
    ...WithdrawalBody.properties,
    destination: Type.Optional(BankAccountInput),
  },
  { additionalProperties: false },
);
export const PayoutFailBody = Type.Object(
  {
    reason: Type.Optional(
      Nullable(Type.String({ maxLength: limits.textLengthMax, description: 'Why the bank could not send it; recorded as the transaction reason.' })),
    ),
  },
  { additionalProperties: false },
);
export const TransferBody = Type.Object({ fromWalletId: Uuid, toWalletId: Uuid, amount: AmountInput, ...details }, { additionalProperties: false });
export const AdjustmentBody = Type.Object(
  {
    walletId: Uuid,
    amount: AmountInput,
    direction: Direction,
    reason: Type.String({ minLength: 1, maxLength: limits.textLengthMax }),
    systemAccount: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9_]{0,31}$',
        description: 'The system account on the other side: issuing (default), settlement, fees, fx, or an operator-added one such as reserve.',
      }),
    ),
    description: details.description,
    reference: details.reference,
    metadata: details.metadata,
  },
  { additionalProperties: false },
);
export const ReversalBody = Type.Object(
  {
    amount: Type.Optional(AmountInput),
    reason: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
    description: details.description,
    reference: details.reference,
    metadata: details.metadata,
  },
  { additionalProperties: false },
);

export const Entry = Type.Object({
  id: Type.String(),
  transactionId: Uuid,
  kind: Kind,
  walletId: Uuid,
  currencyId: Uuid,
  direction: Direction,
  amount: AmountOutput,
  pending: Type.Boolean(),
  balanceAfter: AmountOutput,
  createdAt: Timestamp,
});

const transactionFields = {
  id: Uuid,
  kind: Kind,
  status: Status,
  merchantId: Nullable(Type.String()),
  currencyId: Uuid,
  amount: AmountOutput,
  fromWalletId: Nullable(Uuid),
  toWalletId: Nullable(Uuid),
  description: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  fees: Type.Array(Type.Object({ amount: AmountOutput, description: Nullable(Type.String()) })),
  reversesId: Nullable(Uuid),
  reversedAmount: AmountOutput,
  createdAt: Timestamp,
  postedAt: Nullable(Timestamp),
  exchange: Nullable(ExchangeDetails),
  counterparty: Type.Optional(
    Nullable({ ...BankAccount, description: 'The bank account outside Coffer: a payout destination, a pending credit source; null otherwise.' }),
  ),
};

export const Transaction = Type.Object(transactionFields);
export const TransactionWithEntries = Type.Object({ ...transactionFields, entries: Type.Array(Entry) });

export const TransactionListQuery = Type.Object(
  { walletId: Type.Optional(Uuid), kind: Type.Optional(Kind), status: Type.Optional(Status), ...PageQuery, ...IncludeQuery },
  { additionalProperties: false },
);

const StatementDate = (description: string) =>
  Type.String({
    maxLength: limits.instantTextLengthMax,
    description: `${description} ISO 8601: a date (2026-11-01, midnight UTC) or a date-time with its offset (2026-11-01T09:30:00Z).`,
  });

export const EntryListQuery = Type.Object(
  {
    ...PageQuery,
    ...IncludeQuery,
    from: Type.Optional(StatementDate('Entries at or after this instant.')),
    to: Type.Optional(StatementDate('Entries before this instant.')),
  },
  { additionalProperties: false },
);

/** A statement line: an entry with its transaction's description and reference and the counterparty wallet. */
export const StatementEntry = Type.Object({
  ...Entry.properties,
  description: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  counterpartyWalletId: Type.Union([Uuid, Type.Null()], {
    description: "The other wallet the movement names (a transfer's other side, a top-up's issuing or a withdrawal's settlement account); null when none.",
  }),
  counterpartyWalletSerial: Type.Union([Type.String(), Type.Null()], {
    description: "That wallet's serial (for a merchant key: only when the wallet is its own).",
  }),
});

export const BatchItem = Type.Union([
  Type.Object({ kind: Type.Literal('topup'), ...TopupBody.properties }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('withdrawal'), ...WithdrawalBody.properties }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('transfer'), ...TransferBody.properties }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('adjustment'), ...AdjustmentBody.properties }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('exchange'), ...exchangeFields }, { additionalProperties: false }),
]);

export const BatchBody = Type.Object(
  {
    atomic: Type.Boolean({ description: 'true: all items or none. false: each item on its own, with a result per item.' }),
    items: Type.Array(BatchItem, { minItems: 1, maxItems: limits.batchItemsMax, description: `At most ${limits.batchItemsMax} items.` }),
  },
  { additionalProperties: false },
);

export const BatchResult = Type.Object({
  atomic: Type.Boolean(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      status: Type.Union([Type.Literal('posted'), Type.Literal('failed'), Type.Literal('not_applied')]),
      transaction: Type.Optional(Transaction),
      error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
    }),
  ),
});
