import { type ExchangeDetails, exchangeView, type Quote } from '../domain/exchange.js';
import { type CurrencyRate, formatRate } from '../domain/rate.js';
import type { BalanceView } from '../services/balance-units.js';

/** Exchange domain values to the JSON of the contract: rates as exact decimal strings. */
export function presentRate(rate: CurrencyRate, codes: ReadonlyMap<string, string>) {
  return {
    baseCurrencyId: rate.baseCurrencyId,
    baseCurrencyCode: codes.get(rate.baseCurrencyId) ?? '',
    quoteCurrencyId: rate.quoteCurrencyId,
    quoteCurrencyCode: codes.get(rate.quoteCurrencyId) ?? '',
    rate: formatRate(rate.rate),
    setBy: rate.setBy,
    setAt: rate.setAt.toISOString(),
  };
}

export function presentQuote(quote: Quote) {
  return {
    id: quote.id,
    fromCurrencyId: quote.fromCurrencyId,
    toCurrencyId: quote.toCurrencyId,
    rate: formatRate(quote.rate),
    rateSetAt: quote.rateSetAt.toISOString(),
    amount: quote.amount.toString(),
    targetAmount: quote.targetAmount.toString(),
    createdAt: quote.createdAt.toISOString(),
    expiresAt: quote.expiresAt.toISOString(),
    usedAt: quote.usedAt?.toISOString() ?? null,
    transactionId: quote.transactionId,
  };
}

export function presentExchangeDetails(details: ExchangeDetails | null | undefined) {
  return details === null || details === undefined ? null : exchangeView(details);
}

export function presentBalanceView(view: BalanceView) {
  return {
    unit: view.unit,
    currencyId: view.currencyId,
    code: view.code,
    rate: view.rate === null ? null : formatRate(view.rate),
    rateSetAt: view.rateSetAt?.toISOString() ?? null,
    ...view.amounts,
  };
}
