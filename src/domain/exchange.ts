import { assert } from './assert.js';
import { convertAmount } from './conversion.js';
import { CofferError } from './errors.js';
import { limits } from './limits.js';
import type { Leg } from './posting.js';
import { formatRate, type Rate } from './rate.js';

/** The wallets an exchange moves: the two customer wallets and the currencies' system accounts. */
export interface ExchangeWallets {
  readonly sourceWalletId: string;
  readonly sourceFxWalletId: string;
  readonly sourceFeesWalletId: string;
  readonly targetFxWalletId: string;
  readonly targetWalletId: string;
}

export interface ExchangeTerms {
  /** In the source currency's minor units. */
  readonly amount: bigint;
  readonly rate: Rate;
  readonly sourceFraction: bigint;
  readonly targetFraction: bigint;
  /** Fees in the source currency, paid by the source wallet to the source currency's fees account. */
  readonly fees: readonly bigint[];
}

export interface ExchangePlan {
  readonly targetAmount: bigint;
  readonly legs: readonly Leg[];
}

/**
 * The amount an exchange pays out: the conversion rounded down, refused with a code when it is
 * zero (nothing would arrive) or larger than one movement may be. Quotes and exchanges share it.
 */
export function exchangeTargetAmount(amount: bigint, rate: Rate, sourceFraction: bigint, targetFraction: bigint): bigint {
  const targetAmount = convertAmount(amount, rate, sourceFraction, targetFraction);
  if (targetAmount === 0n) {
    throw new CofferError('exchange_amount_too_small', `${amount} source minor units convert to 0 target minor units at this rate; nothing was moved.`);
  }
  if (targetAmount > limits.amountMax) {
    throw new CofferError('amount_too_large', `The converted amount ${targetAmount} is larger than 2^63-1 target minor units.`, [
      { field: 'amount', message: 'converts to more than 2^63-1' },
    ]);
  }
  return targetAmount;
}

/**
 * Plans an exchange as legs that each stay within one currency: source wallet → source fx
 * account (the amount), target fx account → target wallet (the converted amount, rounded down),
 * and any fees to the source fees account. A conversion to zero is refused rather than posted.
 */
export function planExchange(wallets: ExchangeWallets, terms: ExchangeTerms): ExchangePlan {
  const targetAmount = exchangeTargetAmount(terms.amount, terms.rate, terms.sourceFraction, terms.targetFraction);
  assert(
    terms.fees.every((fee) => fee > 0n),
    'fees are positive',
  );
  const legs: Leg[] = [
    { debitWalletId: wallets.sourceWalletId, creditWalletId: wallets.sourceFxWalletId, amount: terms.amount, phase: 'posted' },
    { debitWalletId: wallets.targetFxWalletId, creditWalletId: wallets.targetWalletId, amount: targetAmount, phase: 'posted' },
    ...terms.fees.map((fee) => ({ debitWalletId: wallets.sourceWalletId, creditWalletId: wallets.sourceFeesWalletId, amount: fee, phase: 'posted' as const })),
  ];
  return { targetAmount, legs };
}

/** A locked rate for one exchange: usable once, before `expiresAt`, for exactly these terms. */
export interface Quote {
  readonly id: string;
  readonly merchantId: string | null;
  readonly fromCurrencyId: string;
  readonly toCurrencyId: string;
  readonly rate: Rate;
  readonly rateSetAt: Date;
  readonly amount: bigint;
  readonly targetAmount: bigint;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  readonly transactionId: string | null;
}

/** What an exchange request must match for its quote to apply. */
export interface QuoteUse {
  readonly fromCurrencyId: string;
  readonly toCurrencyId: string;
  readonly amount: bigint;
  readonly now: Date;
}

/** Refuses a used, expired or mismatched quote; time is passed in. */
export function checkQuote(quote: Quote, use: QuoteUse): void {
  if (quote.usedAt !== null) throw new CofferError('quote_used', `Quote ${quote.id} was already used by transaction ${quote.transactionId ?? '?'}.`);
  if (use.now.getTime() >= quote.expiresAt.getTime()) throw new CofferError('quote_expired', `Quote ${quote.id} expired at ${quote.expiresAt.toISOString()}.`);
  const mismatches = [
    ...(quote.fromCurrencyId !== use.fromCurrencyId ? [{ field: 'fromWalletId', message: 'not in the quote source currency' }] : []),
    ...(quote.toCurrencyId !== use.toCurrencyId ? [{ field: 'toWalletId', message: 'not in the quote target currency' }] : []),
    ...(quote.amount !== use.amount ? [{ field: 'amount', message: `the quote is for ${quote.amount}` }] : []),
  ];
  if (mismatches.length > 0) {
    throw new CofferError(
      'quote_mismatch',
      `Quote ${quote.id} does not match this exchange: ${mismatches.map((m) => `${m.field} ${m.message}`).join('; ')}.`,
      mismatches,
    );
  }
}

/** The exchange facts as the API, the events and the journal show them: the rate as its decimal text, amounts as digits. */
export function exchangeView(details: ExchangeDetails) {
  return {
    rate: formatRate(details.rate),
    quoteId: details.quoteId,
    targetCurrencyId: details.targetCurrencyId,
    targetAmount: details.targetAmount.toString(),
  };
}

/** The exchange facts recorded on an exchange transaction. */
export interface ExchangeDetails {
  readonly rate: Rate;
  readonly quoteId: string | null;
  readonly targetCurrencyId: string;
  readonly targetAmount: bigint;
}
