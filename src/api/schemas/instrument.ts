import { Type } from 'typebox';
import { cardKinds } from '../../domain/card.js';
import { Nullable, Timestamp, Uuid } from './common.js';

export const Instrument = Type.Object({
  id: Uuid,
  walletId: Uuid,
  kind: Type.Enum(['iban', 'uk_account', 'us_account']),
  iban: Nullable(Type.String()),
  sortCode: Nullable(Type.String()),
  routingNumber: Nullable(Type.String()),
  accountNumber: Nullable(Type.String()),
  active: Type.Boolean({ description: 'False once the wallet is closed.' }),
  createdAt: Timestamp,
  deactivatedAt: Nullable(Timestamp),
});

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
  { kind: Type.Enum([...cardKinds]), name: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'The name printed on the card.' }))) },
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
  active: Type.Boolean({ description: 'False once destroyed (the wallet closed).' }),
  frozen: Type.Boolean({ description: 'True while the wallet is blocked.' }),
  createdAt: Timestamp,
  destroyedAt: Nullable(Timestamp),
});

export const CardList = Type.Object({ data: Type.Array(Card) });
