import { Type } from 'typebox';
import type { Balance } from '../../../domain/balance.js';
import { exactValue } from '../../../domain/conversion.js';
import type { Currency } from '../../../domain/currency.js';
import { formatDecimal } from '../../../domain/money.js';
import type { Wallet } from '../../../domain/wallet.js';
import { limits } from '../../../domain/limits.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import type { TypedApp } from '../../typed-app.js';
import { errorResponses, Nullable, Uuid } from '../../schemas/common.js';
import { balanceOfWallet, JsonNumber, sendRaw, walletByRef } from './common.js';

const Amounts = Type.Object(
  {
    usd: Nullable(
      Type.Number({
        description: "In US dollars: the wallet's own amount for a USD wallet, else valued at the current rate to USD (null without a USD currency or rate).",
      }),
    ),
    btc: Nullable(Type.Number({ description: 'In bitcoin: own amount for a BTC wallet, else valued at the current rate to BTC (null without one).' })),
    sat: Nullable(Type.Number({ description: 'The btc figure in satoshi (BTC minor units).' })),
    cent: Nullable(Type.Number({ description: 'The usd figure in cents (USD minor units).' })),
  },
  { additionalProperties: false },
);

const SeedWallet = Type.Object(
  {
    id: Uuid,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    name: Type.String(),
    companyId: Nullable(Type.String({ description: 'Coffer `merchantId`: the business that owns the wallet.' })),
    active: Type.Boolean(),
    currency: Type.String({ description: 'The currency code in lower case ("btc", "usd").' }),
    assetType: Type.String({ description: '"fiat" for fiat and e-money, "bitcoin" for BTC, the lower-case code for another crypto asset ("usdt"), "points".' }),
    walletNumber: Type.String({ description: 'Coffer `serial`: usable wherever a wallet id is.' }),
    balance: Type.Object({ available: Amounts, pending: Amounts, ledger: Amounts }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

type Field = 'available' | 'pending' | 'ledger';

/** A target unit pair: the currency (found by code) and the rate from the wallet's currency to it. */
interface Valuation {
  readonly currency: Currency;
  readonly value: (amount: bigint, unit: 'major' | 'minor') => string;
}

async function valuationIn(context: RuntimeContext, source: Currency, code: string): Promise<Valuation | null> {
  if (source.code.toUpperCase() === code) {
    return { currency: source, value: (amount, unit) => (unit === 'minor' ? amount.toString() : formatDecimal(amount, source.fraction)) };
  }
  const candidates = [
    ...(await context.store.read.listCurrencies({ code, active: true, limit: 20 })),
    ...(await context.store.read.listCurrencies({ code: code.toLowerCase(), active: true, limit: 20 })),
  ];
  for (const target of candidates) {
    const rate = await context.store.read.getRate(source.id, target.id);
    if (rate !== null) return { currency: target, value: (amount, unit) => exactValue(amount, rate.rate, source.fraction, target.fraction, unit) };
  }
  return null;
}

function assetTypeOf(currency: Currency): string {
  if (currency.assetType === 'crypto') return currency.code.toUpperCase() === 'BTC' ? 'bitcoin' : currency.code.toLowerCase();
  return currency.assetType === 'points' ? 'points' : 'fiat';
}

async function seedWallet(context: RuntimeContext, wallet: Wallet) {
  const currency = await context.store.read.getCurrency(wallet.currencyId);
  if (currency === null) throw new Error(`wallet ${wallet.id} has no currency`);
  const balance: Balance = await balanceOfWallet(context.store.read, wallet);
  const usd = await valuationIn(context, currency, 'USD');
  const btc = await valuationIn(context, currency, 'BTC');
  const amounts = (field: Field) => {
    const amount = field === 'available' ? balance.available : field === 'pending' ? balance.pending : balance.ledger;
    const show = (valuation: Valuation | null, unit: 'major' | 'minor') => (valuation === null ? null : new JsonNumber(valuation.value(amount, unit)));
    return { usd: show(usd, 'major'), btc: show(btc, 'major'), sat: show(btc, 'minor'), cent: show(usd, 'minor') };
  };
  return {
    id: wallet.id,
    createdAt: wallet.createdAt.toISOString(),
    updatedAt: wallet.updatedAt.toISOString(),
    name: wallet.name ?? '',
    companyId: wallet.merchantId,
    active: wallet.status === 'active',
    currency: currency.code.toLowerCase(),
    assetType: assetTypeOf(currency),
    walletNumber: wallet.serial,
    balance: { available: amounts('available'), pending: amounts('pending'), ledger: amounts('ledger') },
  };
}

/** Drop-in view of the crypto/fiat wallets seed (`/compat/wallets/{id}`). */
export function compatWalletRoutes(app: TypedApp, context: RuntimeContext): void {
  app.get(
    '/compat/wallets/:id',
    {
      schema: {
        tags: ['compat: crypto/fiat wallets'],
        summary: 'Get a wallet in the crypto/fiat wallets seed shape',
        description:
          'The wallet found by its id or its wallet number, with `balance.available|pending|ledger` each in `usd`, `btc`, `sat` and `cent` (`ledger = available + pending`). Amounts are exact decimals; a figure in another currency is valued at the current rate (Coffer `GET /v1/wallets/{id}/balance?valueIn=`), null when there is none.',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: limits.identifierLengthMax, description: 'Wallet id (UUID) or wallet number (serial).' }),
        }),
        response: { 200: SeedWallet, ...errorResponses },
      },
    },
    async (request, reply) => sendRaw(reply, 200, await seedWallet(context, await walletByRef(context.store.read, request.actor, request.params.id))),
  );
}
