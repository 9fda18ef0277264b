import { Type } from 'typebox';
import { type Card, expirationStatusOf } from '../../../domain/card.js';
import type { Wallet } from '../../../domain/wallet.js';
import { limits } from '../../../domain/limits.js';
import type { RuntimeContext } from '../../../services/runtime.js';
import { listWallets } from '../../../services/wallets.js';
import type { TypedApp } from '../../typed-app.js';
import { errorResponses, Nullable, Uuid } from '../../schemas/common.js';
import { balanceOfWallet, currencyCache, major, sendRaw, walletByRef } from './common.js';

const Decimal = (description: string) => Type.Number({ description: `${description} In the currency's major unit, an exact decimal (e.g. 10.5 USD).` });

const SmartCard = Type.Object(
  {
    id: Uuid,
    cardNumber: Type.String({ description: 'The masked number (first 6 + last 4): the full number is never stored.' }),
    expirationDate: Type.String({ description: 'The last day the card is valid (YYYY-MM-DD).' }),
    name: Type.String(),
    expirationStatus: Type.Enum(['ACTIVE', 'EXPIRED']),
    active: Type.Boolean({ description: "false for a destroyed card, or while it is frozen (by its own freeze or its wallet's block)." }),
  },
  { additionalProperties: false },
);

const Coin = Type.Object(
  {
    serial: Type.String({ description: 'The wallet number, usable wherever a wallet id is.' }),
    name: Type.String(),
    amount: Decimal('Total (posted) balance.'),
    availableAmount: Decimal('Posted minus held: what can be spent.'),
    futureAmount: Decimal('Incoming money not yet settled (pending credits).'),
    heldAmount: Decimal('Open holds (pending debits).'),
    creditLimit: Decimal('How far below zero the wallet may go.'),
    currency: Type.Object(
      {
        id: Uuid,
        sn: Type.String({ description: "The currency's numeric code (Coffer `numericCode`), empty when it has none." }),
        code: Type.String(),
        symbol: Type.String({ description: 'Empty when the currency has none.' }),
        type: Type.Enum(['FIAT', 'CRYPTO', 'EMONEY', 'POINTS']),
      },
      { additionalProperties: false },
    ),
    active: Type.Boolean(),
    type: Type.String({ description: 'client, merchant… for wallets; Issuing_balance, settlement, fees, fx, reserve… for system accounts.' }),
    main: Type.Boolean(),
    accounting: Type.Boolean({ description: 'true for system accounts (accounting), false for wallets in circulation.' }),
    smartCards: Type.Array(SmartCard),
    deactivationDate: Nullable(Type.String({ format: 'date-time' })),
    deactivationReason: Nullable(Type.String()),
    deactivationDescription: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const CoinsQuery = Type.Object(
  {
    customerId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: limits.identifierLengthMax,
        description: "The customer whose coins (wallets) are listed; a merchant key sees only its merchant's.",
      }),
    ),
    currencyId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

/** The most coins one answer lists (the seed's list has no pages). */
const listMax = 1000;

function coinType(wallet: Wallet): string {
  return wallet.category === 'system' && wallet.type === 'issuing' ? 'Issuing_balance' : wallet.type;
}

function smartCard(card: Card, wallet: Wallet, today: Date) {
  return {
    id: card.id,
    cardNumber: card.maskedNumber,
    expirationDate: card.expirationDate.toISOString().slice(0, 10),
    name: card.name ?? '',
    expirationStatus: expirationStatusOf(card.expirationDate, today),
    active: card.active && card.frozenAt === null && wallet.status === 'active',
  };
}

/** A Coffer wallet as the coins knowledge base shows a coin. */
async function coinOf(context: RuntimeContext, wallet: Wallet, currencyOf: ReturnType<typeof currencyCache>) {
  const currency = await currencyOf(wallet.currencyId);
  const balance = await balanceOfWallet(context.store.read, wallet);
  const cards = await context.store.read.listCards(wallet.id);
  const today = context.clock();
  const deactivated = wallet.status !== 'active';
  return {
    serial: wallet.serial,
    name: wallet.name ?? '',
    amount: major(balance.posted, currency),
    availableAmount: major(balance.available, currency),
    futureAmount: major(balance.pending, currency),
    heldAmount: major(balance.held, currency),
    creditLimit: major(balance.creditLimit, currency),
    currency: { id: currency.id, sn: currency.numericCode ?? '', code: currency.code, symbol: currency.symbol ?? '', type: currency.assetType.toUpperCase() },
    active: wallet.status === 'active',
    type: coinType(wallet),
    main: wallet.main,
    accounting: wallet.accounting,
    smartCards: cards.map((card) => smartCard(card, wallet, today)),
    deactivationDate: deactivated ? (wallet.statusChangedAt?.toISOString() ?? null) : null,
    deactivationReason: deactivated ? wallet.statusReason : null,
    deactivationDescription: deactivated ? wallet.statusDescription : null,
  };
}

/** Drop-in view of the coins knowledge base (`/compat/coins`): wallets as coins. */
export function compatCoinRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['compat: coins'];
  app.get(
    '/compat/coins',
    {
      schema: {
        tags,
        summary: "List a customer's coins (wallets) in the coins seed shape",
        description:
          'The coins knowledge base\'s coin list: `{"coins": [...]}` with serial, name, amount, availableAmount, futureAmount, heldAmount, creditLimit (exact decimals in the major unit), currency, active, type, main, accounting, smartCards and the deactivation date, reason and description.',
        querystring: CoinsQuery,
        response: { 200: Type.Object({ coins: Type.Array(Coin) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const wallets: Wallet[] = [];
      let cursor: string | undefined;
      do {
        const page = await listWallets(context, request.actor, {
          ...(request.query.customerId !== undefined ? { customerId: request.query.customerId } : {}),
          ...(request.query.currencyId !== undefined ? { currencyId: request.query.currencyId } : {}),
          ...(request.actor.role !== 'admin' ? { category: 'client' as const } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          limit: 500,
        });
        wallets.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && wallets.length < listMax);
      const currencyOf = currencyCache(context);
      const coins = [];
      for (const wallet of wallets.slice(0, listMax)) coins.push(await coinOf(context, wallet, currencyOf));
      return sendRaw(reply, 200, { coins });
    },
  );
  app.get(
    '/compat/coins/:serial',
    {
      schema: {
        tags,
        summary: 'Get one coin by its serial (or wallet id)',
        description: 'One wallet in the coins seed shape, found by its serial (wallet number) or its id.',
        params: Type.Object({ serial: Type.String({ minLength: 1, maxLength: limits.identifierLengthMax }) }),
        response: { 200: Coin, ...errorResponses },
      },
    },
    async (request, reply) => {
      const wallet = await walletByRef(context.store.read, request.actor, request.params.serial);
      return sendRaw(reply, 200, await coinOf(context, wallet, currencyCache(context)));
    },
  );
}
