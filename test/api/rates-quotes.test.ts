/**
 * Rates and quotes over HTTP: an admin sets the rate of an ordered pair as an exact decimal
 * string, with its history (who, when); anyone reads current rates and history; bad rates are
 * refused with `rate_invalid` and change nothing. A quote locks the current rate and the target
 * amount for the configured time; a pair without a rate is `rate_not_found`, never a guess.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { exchangeSnapshot, setRate } from '../support/exchange-fixtures.js';
import { type CurrencyRecord, isoCurrency } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Rate = { baseCurrencyId: string; quoteCurrencyId: string; rate: string; setBy: string; setAt: string };
type Quote = { id: string; rate: string; amount: string; targetAmount: string; expiresAt: string; createdAt: string; usedAt: string | null };

const unknownId = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`rates and quotes [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let eur: CurrencyRecord;
    let jpy: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend, { COFFER_QUOTE_TTL_SECONDS: '45' });
      usd = await isoCurrency(harness, 'USD');
      eur = await isoCurrency(harness, 'EUR');
      jpy = await isoCurrency(harness, 'JPY');
    });
    after(() => harness.close());

    it('sets a rate, shows it canonical, and keeps its history newest first with who and when', async () => {
      const first = await setRate(harness, usd, eur, '0.9200');
      assert.equal(first.rate, '0.92');
      assert.equal(typeof first.setBy, 'string');
      await setRate(harness, usd, eur, '0.93');
      const current = expectStatus<Rate>(await harness.request('GET', `/v1/rates/${usd.id}/${eur.id}`), 200);
      assert.equal(current.rate, '0.93');
      const history = expectStatus<{ data: Rate[]; nextCursor: string | null }>(
        await harness.request('GET', `/v1/rates/${usd.id}/${eur.id}/history?limit=1`),
        200,
      );
      assert.deepEqual(
        history.data.map((rate) => rate.rate),
        ['0.93'],
      );
      const older = expectStatus<{ data: Rate[] }>(await harness.request('GET', `/v1/rates/${usd.id}/${eur.id}/history?cursor=${history.nextCursor}`), 200);
      assert.deepEqual(
        older.data.map((rate) => rate.rate),
        ['0.92'],
      );
      assert.equal(older.data[0]?.setBy, first.setBy);
      await harness.assertLedgerConsistent();
    });

    it('lists current rates filtered by either side, one per ordered pair (never inverted)', async () => {
      await setRate(harness, usd, jpy, '151.37');
      await setRate(harness, eur, usd, '1.08');
      const fromUsd = expectStatus<{ data: Rate[] }>(await harness.request('GET', `/v1/rates?baseCurrencyId=${usd.id}`), 200);
      assert.deepEqual(fromUsd.data.map((rate) => rate.quoteCurrencyId).sort(), [eur.id, jpy.id].sort());
      const toUsd = expectStatus<{ data: Rate[] }>(await harness.request('GET', `/v1/rates?quoteCurrencyId=${usd.id}`), 200);
      assert.deepEqual(
        toUsd.data.map((rate) => rate.rate),
        ['1.08'],
      );
      const page = expectStatus<{ data: Rate[]; nextCursor: string }>(await harness.request('GET', '/v1/rates?limit=2'), 200);
      const rest = expectStatus<{ data: Rate[] }>(await harness.request('GET', `/v1/rates?limit=2&cursor=${page.nextCursor}`), 200);
      assert.equal(page.data.length + rest.data.length, 3);
      expectProblem(await harness.request('GET', `/v1/rates/${jpy.id}/${usd.id}`), 404, 'rate_not_found');
    });

    const badRates: [unknown, number, string][] = [
      ['0', 400, 'rate_invalid'],
      ['0.000', 400, 'rate_invalid'],
      ['-1', 400, 'rate_invalid'],
      ['abc', 400, 'rate_invalid'],
      ['1e5', 400, 'rate_invalid'],
      ['123456789012345678901234567890', 400, 'rate_invalid'],
      ['0.123456789012345678901234567890', 400, 'rate_invalid'],
      [' 0.92', 400, 'rate_invalid'],
      [0.92, 400, 'validation_failed'],
      [null, 400, 'validation_failed'],
    ];
    for (const [rate, status, code] of badRates) {
      it(`refuses the rate ${JSON.stringify(rate)} with ${code} and changes nothing`, async () => {
        const before = await exchangeSnapshot(harness);
        expectProblem(await harness.request('PUT', `/v1/rates/${usd.id}/${eur.id}`, { rate }), status, code);
        assert.equal(await exchangeSnapshot(harness), before);
      });
    }

    it('refuses one currency on both sides, an unknown currency, extra fields and merchant keys, changing nothing', async () => {
      const merchant = await harness.merchantKey('m-rates');
      const cases: [string, unknown, string | undefined, number, string][] = [
        [`/v1/rates/${usd.id}/${usd.id}`, { rate: '1' }, undefined, 422, 'same_currency'],
        [`/v1/rates/${usd.id}/${unknownId}`, { rate: '1' }, undefined, 404, 'not_found'],
        [`/v1/rates/${unknownId}/${usd.id}`, { rate: '1' }, undefined, 404, 'not_found'],
        [`/v1/rates/${usd.id}/not-a-uuid`, { rate: '1' }, undefined, 400, 'validation_failed'],
        [`/v1/rates/${usd.id}/${eur.id}`, { rate: '1', note: 'x' }, undefined, 400, 'validation_failed'],
        [`/v1/rates/${usd.id}/${eur.id}`, { rate: '1' }, merchant, 403, 'forbidden'],
      ];
      for (const [url, body, key, status, code] of cases) {
        const before = await exchangeSnapshot(harness);
        expectProblem(await harness.request('PUT', url, body, key !== undefined ? { key } : {}), status, code);
        assert.equal(await exchangeSnapshot(harness), before, `${url} ${code}`);
      }
      expectStatus(await harness.request('GET', '/v1/rates', undefined, { key: merchant }), 200);
    });

    it('quotes the current rate and target amount for the configured time, and keeps them when the rate moves', async () => {
      await setRate(harness, usd, eur, '0.92');
      const quote = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '1000' }), 201);
      assert.equal(quote.rate, '0.92');
      assert.equal(quote.targetAmount, '920');
      assert.equal(quote.usedAt, null);
      assert.equal(Date.parse(quote.expiresAt) - Date.parse(quote.createdAt), 45_000);
      await setRate(harness, usd, eur, '0.5');
      const again = expectStatus<Quote>(await harness.request('GET', `/v1/quotes/${quote.id}`), 200);
      assert.equal(again.targetAmount, '920');
      const yen = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: jpy.id, amount: 1 }), 201);
      assert.equal(yen.targetAmount, '1');
      const merchant = await harness.merchantKey('m-quotes');
      expectProblem(await harness.request('GET', `/v1/quotes/${quote.id}`, undefined, { key: merchant }), 404, 'not_found');
    });

    it('refuses quotes without a rate, for one currency, unknown currencies or amounts converting to zero, changing nothing', async () => {
      await setRate(harness, jpy, usd, '0.0066');
      const cases: [Record<string, unknown>, number, string][] = [
        [{ fromCurrencyId: jpy.id, toCurrencyId: eur.id, amount: '100' }, 404, 'rate_not_found'],
        [{ fromCurrencyId: usd.id, toCurrencyId: usd.id, amount: '100' }, 422, 'same_currency'],
        [{ fromCurrencyId: usd.id, toCurrencyId: unknownId, amount: '100' }, 404, 'not_found'],
        [{ fromCurrencyId: jpy.id, toCurrencyId: usd.id, amount: '1' }, 422, 'exchange_amount_too_small'],
        [{ fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '0' }, 400, 'amount_invalid'],
        [{ fromCurrencyId: usd.id, toCurrencyId: eur.id }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const before = await exchangeSnapshot(harness);
        expectProblem(await harness.request('POST', '/v1/quotes', body, { headers: { 'idempotency-key': `quote-${code}` } }), status, code);
        assert.equal(await exchangeSnapshot(harness), before, code);
      }
      const fine = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: jpy.id, toCurrencyId: usd.id, amount: '152' }), 201);
      assert.equal(fine.targetAmount, '100');
      await harness.assertLedgerConsistent();
    });
  });
}
