import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import { exchangeTargetAmount, type Quote } from '../domain/exchange.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound } from './access.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { currentRate } from './rates.js';

export interface QuoteRequest {
  readonly fromCurrencyId: string;
  readonly toCurrencyId: string;
  readonly amount: bigint;
}

/**
 * Locks the current rate of a pair for one exchange of exactly `amount`, for the configured time.
 * The quote names the target amount the exchange will post; a zero conversion is refused here already.
 */
export async function createQuote(ctx: ServiceContext, tx: TxStore, actor: Actor, request: QuoteRequest, now: Date): Promise<Quote> {
  if (request.fromCurrencyId === request.toCurrencyId) throw new CofferError('same_currency', 'A quote needs two different currencies.');
  const source = await tx.getCurrency(request.fromCurrencyId);
  if (source === null) throw notFound('currency', request.fromCurrencyId);
  const target = await tx.getCurrency(request.toCurrencyId);
  if (target === null) throw notFound('currency', request.toCurrencyId);
  for (const currency of [source, target]) {
    if (!currency.active) throw new CofferError('currency_inactive', `Currency ${currency.code} (${currency.id}) is inactive.`, undefined, { currency });
  }
  const rate = await currentRate(tx, source.id, target.id);
  const targetAmount = exchangeTargetAmount(request.amount, rate.rate, source.fraction, target.fraction);
  const quote: Quote = {
    id: newId(now.getTime()),
    merchantId: actor.merchantId,
    fromCurrencyId: source.id,
    toCurrencyId: target.id,
    rate: rate.rate,
    rateSetAt: rate.setAt,
    amount: request.amount,
    targetAmount,
    createdBy: actor.apiKeyId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.quoteTtlSeconds * 1000),
    usedAt: null,
    transactionId: null,
  };
  await tx.insertQuote(quote);
  return quote;
}

export async function getQuote(ctx: ServiceContext, actor: Actor, id: string): Promise<Quote> {
  const quote = await ctx.store.read.getQuote(id);
  if (quote === null || !canSee(actor, quote.merchantId)) throw notFound('quote', id);
  return quote;
}
