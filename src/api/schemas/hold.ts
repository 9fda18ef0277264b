import { Type } from 'typebox';
import { limits } from '../../domain/limits.js';
import { transactionStatuses } from '../../domain/transaction.js';
import { BankAccount, BankAccountInput } from './transaction.js';
import { AmountInput, AmountOutput, Metadata, Nullable, PageQuery, Timestamp, Uuid } from './common.js';

const Status = Type.Enum([...transactionStatuses]);

const details = {
  description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  reference: Type.Optional(Nullable(Type.String({ maxLength: limits.referenceLengthMax }))),
  metadata: Type.Optional(Metadata),
};

export const HoldCreate = Type.Object(
  {
    walletId: Uuid,
    amount: AmountInput,
    toWalletId: Type.Optional(Uuid),
    expiresAt: Type.Optional(
      Nullable(
        Type.String({
          format: 'date-time',
          description: `When the hold is released if neither captured nor voided. Default: ${limits.holdLifetimeDefaultMs / 3_600_000} hours after creation; at most ${limits.holdLifetimeMaxMs / 3_600_000} hours.`,
        }),
      ),
    ),
    ...details,
  },
  { additionalProperties: false },
);

export const HoldCapture = Type.Object(
  { amount: Type.Optional(AmountInput) },
  { additionalProperties: false, description: 'Capture all of the hold, or `amount` of it (the rest is released).' },
);

export const PendingCreditSettle = Type.Object(
  { amount: Type.Optional(AmountInput) },
  {
    additionalProperties: false,
    description: 'Settle for the amount that arrived: at most the announced amount (all of it by default); the rest is released.',
  },
);

export const PendingCreditFail = Type.Object(
  {
    reason: Type.Optional(
      Nullable(Type.String({ maxLength: limits.textLengthMax, description: 'Why it failed; recorded as the transaction reason and in its event.' })),
    ),
  },
  { additionalProperties: false },
);

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const PendingCreditCreate = Type.Object(
  { walletId: Uuid, amount: AmountInput, fromWalletId: Type.Optional(Uuid), source: Type.Optional(BankAccountInput), ...details },
  { additionalProperties: false },
);

const shared = {
  id: Uuid,
  status: Status,
  merchantId: Nullable(Type.String()),
  currencyId: Uuid,
  amount: AmountOutput,
  description: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  createdAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
};

export const Hold = Type.Object({
  ...shared,
  walletId: Uuid,
  toWalletId: Uuid,
  capturedAmount: Nullable(AmountOutput),
  expiresAt: Nullable(Timestamp),
});

export const PendingCredit = Type.Object({
  ...shared,
  walletId: Uuid,
  fromWalletId: Uuid,
  settledAmount: Nullable(AmountOutput),
  reason: Type.Optional(Nullable(Type.String({ description: 'Why it failed, when a reason was given.' }))),
  source: Type.Optional(Nullable({ ...BankAccount, description: 'The bank account the money comes from, when named.' })),
});

export const ReservationListQuery = Type.Object(
  { walletId: Type.Optional(Uuid), status: Type.Optional(Status), ...PageQuery },
  { additionalProperties: false },
);
