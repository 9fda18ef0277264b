/**
 * Codes beside ids: currency codes are not unique (three "USD" currencies are three currencies),
 * so the trial balance, rates and problem documents about a currency name its code beside its
 * id: a reader tells the three apart without a lookup each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { balanceOf, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`currency codes beside ids [${backend.name}]`, () => {
    let harness: Harness;
    let usdIds: string[];
    let eurId: string;
    before(async () => {
      harness = await startHarness(backend);
      const iso = await isoCurrency(harness, 'USD');
      const second = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/currencies', { code: 'USD', name: 'Partner dollars', fraction: 100, assetType: 'emoney' }),
        201,
      );
      const third = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/currencies', { code: 'USD', name: 'Old dollars', fraction: 100, assetType: 'fiat' }),
        201,
      );
      usdIds = [iso.id, second.id, third.id];
      eurId = (await isoCurrency(harness, 'EUR')).id;
      for (const id of usdIds) await topup(harness, (await wallet(harness, id)).id, '700');
    });
    after(() => harness.close());

    it('names the code of every currency of the trial balance', async () => {
      const trial = expectStatus<{ data: { currencyId: string; currencyCode: string; posted: string; balanced: boolean }[] }>(
        await harness.request('GET', '/v1/reports/trial-balance'),
        200,
      );
      const usdLines = trial.data.filter((line) => line.currencyCode === 'USD');
      assert.deepEqual(usdLines.map((line) => line.currencyId).sort(), [...usdIds].sort());
      assert.equal(trial.data.find((line) => line.currencyId === eurId)?.currencyCode, 'EUR');
      assert.ok(
        trial.data.every((line) => line.balanced && line.posted === '0'),
        'the invariant holds per currency',
      );
    });

    it('names both codes of a rate, when set, read, listed and in its history', async () => {
      const [usd] = usdIds as [string];
      const set = expectStatus<Record<string, string>>(await harness.request('PUT', `/v1/rates/${usd}/${eurId}`, { rate: '0.92' }), 200);
      assert.deepEqual([set.baseCurrencyId, set.baseCurrencyCode, set.quoteCurrencyId, set.quoteCurrencyCode], [usd, 'USD', eurId, 'EUR']);
      const read = expectStatus<Record<string, string>>(await harness.request('GET', `/v1/rates/${usd}/${eurId}`), 200);
      assert.deepEqual([read.baseCurrencyCode, read.quoteCurrencyCode, read.rate], ['USD', 'EUR', '0.92']);
      const listed = expectStatus<{ data: Record<string, string>[] }>(await harness.request('GET', `/v1/rates?baseCurrencyId=${usd}`), 200);
      assert.deepEqual(
        listed.data.map((rate) => [rate.baseCurrencyCode, rate.quoteCurrencyCode]),
        [['USD', 'EUR']],
      );
      const history = expectStatus<{ data: Record<string, string>[] }>(await harness.request('GET', `/v1/rates/${usd}/${eurId}/history`), 200);
      assert.equal(history.data[0]?.quoteCurrencyCode, 'EUR');
    });

    it('names the currency of a currency_inactive refusal by id and code, first time and replayed', async () => {
      const inactive = usdIds[2] as string;
      expectStatus(await harness.request('PATCH', `/v1/currencies/${inactive}`, { active: false }), 200);
      const refused = expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: inactive }), 422, 'currency_inactive');
      assert.deepEqual([refused.currencyId, refused.currencyCode], [inactive, 'USD']);
      // The same in a bulk creation's per-item answer.
      const bulk = expectStatus<{ results: { status: string; error?: Record<string, unknown> }[] }>(
        await harness.request('POST', '/v1/wallets/bulk', { items: [{ currencyId: inactive }] }),
        200,
      );
      assert.equal(bulk.results[0]?.status, 'failed');
      assert.equal(bulk.results[0]?.error?.code, 'currency_inactive');
      const headers = { 'idempotency-key': 'quote-inactive' };
      const body = { fromCurrencyId: inactive, toCurrencyId: eurId, amount: '100' };
      const first = expectProblem(await harness.request('POST', '/v1/quotes', body, { headers }), 422, 'currency_inactive');
      assert.deepEqual([first.currencyId, first.currencyCode], [inactive, 'USD']);
      const replayed = await harness.request('POST', '/v1/quotes', body, { headers });
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      assert.equal(replayed.body, JSON.stringify({ ...first }), 'the replay is the same document, fields in the same order');
      // A problem about no particular currency carries neither field.
      const other = expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: '00000000-0000-4000-8000-000000000000' }), 404, 'not_found');
      assert.equal('currencyId' in other || 'currencyCode' in other, false);
      await harness.assertLedgerConsistent();
    });

    it('names the currency of a movement refused for an inactive currency, first time and replayed', async () => {
      const currency = usdIds[1] as string;
      const [from, to] = [await wallet(harness, currency), await wallet(harness, currency)];
      await topup(harness, from.id, '50');
      expectStatus(await harness.request('PATCH', `/v1/currencies/${currency}`, { active: false }), 200);
      const headers = { 'idempotency-key': 'transfer-inactive' };
      const body = { fromWalletId: from.id, toWalletId: to.id, amount: '10' };
      const first = expectProblem(await harness.request('POST', '/v1/transfers', body, { headers }), 422, 'currency_inactive');
      assert.deepEqual([first.currencyId, first.currencyCode], [currency, 'USD']);
      const replayed = await harness.request('POST', '/v1/transfers', body, { headers });
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      assert.deepEqual(JSON.parse(replayed.body), first);
      // A hold refused alike names it too; nothing moved.
      const held = expectProblem(await harness.request('POST', '/v1/holds', { walletId: from.id, amount: '5' }), 422, 'currency_inactive');
      assert.equal(held.currencyCode, 'USD');
      assert.equal((await balanceOf(harness, from.id)).posted, '50');
      await harness.assertLedgerConsistent();
    });
  });
}
