/**
 * The exchange plan, as a seeded property (replay with FC_SEED=<seed>): over random rates from
 * 10^-36 to nearly 10^18, fractions from 1 to 10^18 and amounts up to 2^63-1, the posted legs
 * balance per currency, the target receives exactly floor(amount × rate) in its minor units
 * (never more), every source minor unit is accounted for, and a conversion to zero is refused.
 * Also: the quote rules (used, expired, mismatched), each with its own code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { zeroCounters } from '../../src/domain/balance.js';
import { CofferError } from '../../src/domain/errors.js';
import { checkQuote, planExchange, type Quote } from '../../src/domain/exchange.js';
import { imbalance, post } from '../../src/domain/posting.js';
import type { WalletState } from '../../src/domain/wallet.js';

const seed = Number(process.env.FC_SEED ?? 20261122);
const amountMax = 2n ** 63n - 1n;
const wallets = { sourceWalletId: 'a-wallet', sourceFxWalletId: 'a-fx', sourceFeesWalletId: 'a-fees', targetFxWalletId: 'b-fx', targetWalletId: 'b-wallet' };

function state(id: string, currencyId: string, category: 'client' | 'system', creditsPosted = 0n): WalletState {
  return { id, currencyId, category, status: 'active', creditLimit: 0n, parentWalletId: null, counters: { ...zeroCounters, creditsPosted } };
}

const rateArbitrary = fc.record({
  numerator: fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }),
  scale: fc.integer({ min: 0, max: 36 }),
});
const fractionArbitrary = fc.integer({ min: 0, max: 18 }).map((digits) => 10n ** BigInt(digits));
// Amounts biased to both ends: tiny ones (conversion to zero) and huge ones (overflow of the target).
const amountArbitrary = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: amountMax }));

describe('planExchange (property)', () => {
  it(`balances per currency and never pays more than floor(amount × rate) [seed ${seed}]`, () => {
    const outcomes = { posted: 0, tooSmall: 0, tooLarge: 0 };
    fc.assert(
      fc.property(
        amountArbitrary,
        rateArbitrary,
        fractionArbitrary,
        fractionArbitrary,
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 6n }), { maxLength: 3 }),
        (amount, rate, sourceFraction, targetFraction, fees) => {
          const denominator = 10n ** BigInt(rate.scale) * sourceFraction;
          const scaled = amount * rate.numerator * targetFraction;
          let plan: ReturnType<typeof planExchange>;
          try {
            plan = planExchange(wallets, { amount, rate, sourceFraction, targetFraction, fees });
          } catch (error) {
            assert.ok(error instanceof CofferError);
            if (error.code === 'exchange_amount_too_small') {
              assert.ok(scaled < denominator, 'refused only when the target gets less than one minor unit');
              outcomes.tooSmall += 1;
            } else if (error.code === 'amount_too_large') {
              assert.ok(scaled / denominator > amountMax);
              outcomes.tooLarge += 1;
            } else assert.fail(`unexpected ${error.code}`);
            return;
          }
          const target = plan.targetAmount;
          // floor, characterised without division: target ≤ exact value < target + 1.
          assert.ok(target * denominator <= scaled, 'never more than the exact value');
          assert.ok(scaled < (target + 1n) * denominator, 'exactly the floor, not less');
          assert.ok(target > 0n && target <= amountMax);

          const paid = amount + fees.reduce((sum, fee) => sum + fee, 0n);
          const states = new Map<string, WalletState>([
            ['a-wallet', state('a-wallet', 'A', 'client', paid)],
            ['a-fx', state('a-fx', 'A', 'system')],
            ['a-fees', state('a-fees', 'A', 'system')],
            ['b-fx', state('b-fx', 'B', 'system')],
            ['b-wallet', state('b-wallet', 'B', 'client')],
          ]);
          const posting = post(states, plan.legs);
          for (const [currency, sums] of imbalance(posting.entries)) {
            assert.equal(sums.posted, 0n, `currency ${currency} balances`);
            assert.equal(sums.pending, 0n);
          }
          const posted = (id: string) => {
            const counters = posting.counters.get(id) ?? zeroCounters;
            return counters.creditsPosted - counters.debitsPosted;
          };
          assert.equal(posted('a-wallet'), 0n, 'the source paid the amount and the fees, nothing more');
          assert.equal(posted('a-fx') + posted('a-fees'), paid, 'every source minor unit went to fx or fees');
          assert.equal(posted('b-wallet'), target);
          assert.equal(posted('b-fx'), -target, 'the target fx account gave exactly what the target received');
          outcomes.posted += 1;
        },
      ),
      { seed, numRuns: 2000 },
    );
    // The generators must reach all three outcomes, or the property proves less than it says.
    assert.ok(outcomes.posted >= 200 && outcomes.tooSmall >= 50 && outcomes.tooLarge >= 50, JSON.stringify(outcomes));
  });
});

describe('checkQuote', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const quote: Quote = {
    id: 'q1',
    merchantId: null,
    fromCurrencyId: 'A',
    toCurrencyId: 'B',
    rate: { numerator: 92n, scale: 2 },
    rateSetAt: now,
    amount: 1000n,
    targetAmount: 920n,
    createdBy: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 30_000),
    usedAt: null,
    transactionId: null,
  };
  const use = { fromCurrencyId: 'A', toCurrencyId: 'B', amount: 1000n, now };
  const cases: [string, Quote, typeof use, string | null][] = [
    ['accepts a fresh quote for its exact terms', quote, use, null],
    ['refuses a used quote', { ...quote, usedAt: now, transactionId: 't1' }, use, 'quote_used'],
    ['refuses at the expiry instant', quote, { ...use, now: quote.expiresAt }, 'quote_expired'],
    ['refuses another amount', quote, { ...use, amount: 1001n }, 'quote_mismatch'],
    ['refuses another source currency', quote, { ...use, fromCurrencyId: 'C' }, 'quote_mismatch'],
    ['refuses another target currency', quote, { ...use, toCurrencyId: 'C' }, 'quote_mismatch'],
  ];
  for (const [name, candidate, attempt, code] of cases) {
    it(name, () => {
      if (code === null) assert.doesNotThrow(() => checkQuote(candidate, attempt));
      else
        assert.throws(
          () => checkQuote(candidate, attempt),
          (error: unknown) => error instanceof CofferError && error.code === code,
        );
    });
  }
});
