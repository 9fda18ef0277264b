import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Currency } from '../domain/currency.js';
import type { RuntimeContext } from '../services/runtime.js';
import { presentCard, presentInstrument } from './present-cards.js';

type WalletJson = Record<string, unknown> & { id: string; currencyId: string; status: 'active' | 'blocked' | 'closed' };

function isWalletJson(value: unknown): value is WalletJson {
  return value !== null && typeof value === 'object' && 'serial' in value && 'currencyId' in value && 'balance' in value;
}

/**
 * Every wallet answer of `/v1/wallets…` names its currency inline (`currency`: id, code, symbol,
 * fraction, assetType), and `?expand=instruments,cards` adds the wallet's bank identifiers and
 * cards to the same answer (the coins seed's smartCards, Paynetics' IBAN inside the balance).
 */
export function registerWalletExpansion(app: FastifyInstance, context: RuntimeContext): void {
  app.addHook('preSerialization', async (request: FastifyRequest, reply, payload: unknown) => {
    if (!(request.routeOptions.url ?? '').startsWith('/v1/wallets') || reply.statusCode >= 300 || payload === null || typeof payload !== 'object')
      return payload;
    const data = (payload as { data?: unknown }).data;
    const wallets = isWalletJson(payload) ? [payload] : Array.isArray(data) ? data.filter(isWalletJson) : [];
    if (wallets.length === 0) return payload;
    const expand = new Set(
      String((request.query as { expand?: string } | undefined)?.expand ?? '')
        .split(',')
        .filter(Boolean),
    );
    const currencies = new Map<string, Currency | null>();
    const today = context.clock();
    for (const wallet of wallets) {
      if (!currencies.has(wallet.currencyId)) currencies.set(wallet.currencyId, await context.store.read.getCurrency(wallet.currencyId));
      const currency = currencies.get(wallet.currencyId);
      if (currency !== null && currency !== undefined) {
        wallet.currency = { id: currency.id, code: currency.code, symbol: currency.symbol, fraction: Number(currency.fraction), assetType: currency.assetType };
      }
      if (expand.has('instruments')) wallet.instruments = (await context.store.read.listInstruments(wallet.id)).map(presentInstrument);
      if (expand.has('cards')) wallet.cards = (await context.store.read.listCards(wallet.id)).map((card) => presentCard(card, wallet, today));
    }
    return payload;
  });
}
