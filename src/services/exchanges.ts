import type { Actor } from '../domain/api-key.js';
import { assert } from '../domain/assert.js';
import { CofferError } from '../domain/errors.js';
import { checkQuote, planExchange, type Quote } from '../domain/exchange.js';
import { limits } from '../domain/limits.js';
import type { Rate } from '../domain/rate.js';
import type { MovementPlan } from './plan.js';
import type { Fee } from '../domain/transaction.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { canSee, movementOwner, notFound } from './access.js';
import { newTransaction } from './new-transaction.js';
import { currentRate } from './rates.js';
import { systemWalletId, walletRefs } from './wallet-refs.js';

export interface ExchangeRequest {
  readonly fromWalletId: string;
  readonly toWalletId: string;
  /** In the source wallet's currency. */
  readonly amount: bigint;
  readonly quoteId?: string;
  readonly description?: string | null;
  readonly reference?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  /** In the source currency, paid by the source wallet to the source currency's fees account. */
  readonly fees?: readonly Fee[];
}

/** The quote named by an exchange, found and checked for access; null when the exchange uses the current rate. */
async function namedQuote(tx: StoreTx, actor: Actor, request: ExchangeRequest): Promise<Quote | null> {
  if (request.quoteId === undefined) return null;
  const quote = await tx.getQuote(request.quoteId);
  if (quote === null || !canSee(actor, quote.merchantId)) throw notFound('quote', request.quoteId);
  return quote;
}

/**
 * Plans one atomic exchange between two wallets of different currencies, of one customer or of
 * two (a cross-currency transfer): source wallet → source fx account, target fx account → target
 * wallet, at the current rate or a quote's locked rate, in one transaction of kind `exchange`.
 * The quote is locked with the group and checked then (unused, unexpired, matching), and marked
 * used by the same write, so a refused exchange leaves it unused.
 */
export async function planExchangeMovement(tx: StoreTx, actor: Actor, request: ExchangeRequest, now: Date): Promise<MovementPlan> {
  const refs = await walletRefs(tx, actor, [request.fromWalletId, request.toWalletId]);
  const source = refs.get(request.fromWalletId);
  const target = refs.get(request.toWalletId);
  assert(source !== undefined && target !== undefined, 'walletRefs returns every wallet it was asked for');
  if (source.category === 'system' || target.category === 'system') {
    throw new CofferError('system_wallet_not_allowed', 'An exchange moves money between client wallets; the fx accounts are used implicitly.');
  }
  if (source.currencyId === target.currencyId) {
    throw new CofferError('same_currency', 'Both wallets are in the same currency: use a transfer.');
  }
  const fees = request.fees ?? [];
  if (fees.length > limits.feesPerTransactionMax) throw new CofferError('fee_invalid', `At most ${limits.feesPerTransactionMax} fees per transaction.`);

  const quote = await namedQuote(tx, actor, request);
  // Checked now for a clear answer, and again under the quote's lock (it may have been used meanwhile).
  const use = { fromCurrencyId: source.currencyId, toCurrencyId: target.currencyId, amount: request.amount, now };
  if (quote !== null) checkQuote(quote, use);
  const rate: Rate = quote?.rate ?? (await currentRate(tx, source.currencyId, target.currencyId)).rate;
  const sourceCurrency = await tx.getCurrency(source.currencyId);
  const targetCurrency = await tx.getCurrency(target.currencyId);
  assert(sourceCurrency !== null && targetCurrency !== null, 'a wallet currency exists');

  const systemIds = {
    sourceFxWalletId: await systemWalletId(tx, source.currencyId, 'fx'),
    sourceFeesWalletId: await systemWalletId(tx, source.currencyId, 'fees'),
    targetFxWalletId: await systemWalletId(tx, target.currencyId, 'fx'),
  };
  const plan = planExchange(
    { sourceWalletId: source.id, targetWalletId: target.id, ...systemIds },
    { amount: request.amount, rate, sourceFraction: sourceCurrency.fraction, targetFraction: targetCurrency.fraction, fees: fees.map((fee) => fee.amount) },
  );
  assert(quote === null || quote.targetAmount === plan.targetAmount, 'a quote converts to the amount it promised');

  // Exchange events and the journal carry the rate and target amount from the start.
  const exchange = { rate, quoteId: quote?.id ?? null, targetCurrencyId: target.currencyId, targetAmount: plan.targetAmount };
  const transaction = newTransaction(
    'exchange',
    'posted',
    {
      merchantId: movementOwner(actor, [source, target]),
      currencyId: source.currencyId,
      amount: request.amount,
      fromWalletId: source.id,
      toWalletId: target.id,
      exchange,
    },
    request,
    now,
  );
  const lockIds = new Set([source.id, target.id, ...Object.values(systemIds)]);
  for (const ref of [source, target]) if (ref.parentWalletId !== null) lockIds.add(ref.parentWalletId);
  return {
    lockIds: [...lockIds],
    ...(quote !== null ? { quoteLocks: [quote.id] } : {}),
    build: (rows) => {
      if (quote !== null) {
        const locked = rows.quote(quote.id);
        assert(locked !== undefined, `quote ${quote.id} is locked`);
        checkQuote(locked, use);
      }
      return { transaction, legs: plan.legs, ...(quote !== null ? { quoteUsed: quote.id } : {}), audited: true };
    },
  };
}
