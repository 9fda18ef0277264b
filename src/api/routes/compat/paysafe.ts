import { Type } from 'typebox';
import type { Wallet } from '../../../domain/wallet.js';
import type { Instrument } from '../../../domain/bank-identifiers.js';
import { limits } from '../../../domain/limits.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import type { TypedApp } from '../../typed-app.js';
import { errorResponses, Nullable } from '../../schemas/common.js';
import { balanceOfWallet, isoSeconds, minor, sendRaw, walletByRef } from './common.js';

const instrumentTypes = { iban: 'SEPA_BANK_ACCOUNT', uk_account: 'UK_BANK_ACCOUNT', us_account: 'US_BANK_ACCOUNT' } as const;

const Account = Type.Object(
  {
    currencyCode: Type.String({ description: 'The currency code (ISO 4217 for real currencies).' }),
    id: Type.String({ maxLength: 20, description: 'The account id: the wallet number (Coffer `serial`), at most 20 characters.' }),
    customerId: Nullable(Type.String()),
    externalId: Nullable(Type.String({ maxLength: limits.externalIdLengthMax })),
    totalBalance: Type.Integer({ description: 'Posted balance, int64 minor units.' }),
    availableBalance: Type.Integer({ description: 'Posted minus held, int64 minor units.' }),
    virtualInstruments: Type.Array(
      Type.Object(
        { id: Type.String({ maxLength: 50 }), instrumentType: Type.Enum(['SEPA_BANK_ACCOUNT', 'UK_BANK_ACCOUNT', 'US_BANK_ACCOUNT']) },
        { additionalProperties: false },
      ),
    ),
    creationTime: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

async function paysafeAccount(context: RuntimeContext, wallet: Wallet) {
  const currency = await context.store.read.getCurrency(wallet.currencyId);
  if (currency === null) throw new Error(`wallet ${wallet.id} has no currency`);
  const balance = await balanceOfWallet(context.store.read, wallet);
  const instruments: Instrument[] = (await context.store.read.listInstruments(wallet.id)).filter((instrument) => instrument.active);
  return {
    currencyCode: currency.code,
    id: wallet.serial,
    customerId: wallet.customerId,
    externalId: wallet.externalId,
    totalBalance: minor(balance.posted),
    availableBalance: minor(balance.available),
    virtualInstruments: instruments.map((instrument) => ({ id: instrument.id, instrumentType: instrumentTypes[instrument.kind] })),
    creationTime: isoSeconds(wallet.createdAt),
  };
}

/** Drop-in view of the Paysafe embedded wallet account (`/compat/paysafe/accounts/{id}`). */
export function compatPaysafeRoutes(app: TypedApp, context: RuntimeContext): void {
  app.get(
    '/compat/paysafe/accounts/:id',
    {
      schema: {
        tags: ['compat: Paysafe'],
        summary: 'Get an account in the Paysafe shape',
        description:
          'A wallet as a Paysafe Account: currencyCode, id (the wallet number), customerId, externalId, totalBalance and availableBalance as int64 minor units, virtualInstruments (its active IBAN, UK or US account) and creationTime. Found by wallet number or wallet id.',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: limits.identifierLengthMax, description: 'Account id (wallet number) or wallet id.' }),
        }),
        response: { 200: Account, ...errorResponses },
      },
    },
    async (request, reply) => sendRaw(reply, 200, await paysafeAccount(context, await walletByRef(context.store.read, request.actor, request.params.id))),
  );
}
