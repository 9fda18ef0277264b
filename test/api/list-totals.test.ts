/**
 * `?include=total` on the /v1 lists (wallets, transactions, currencies, events, statements) adds
 * `total`: every row matching the filters, whatever the cursor and page size; a merchant key counts
 * only what it may list; without the parameter there is no `total`; a bad value is a 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

interface CountedPage {
  readonly data: unknown[];
  readonly nextCursor: string | null;
  readonly total?: number;
}

for (const backend of backends) {
  describe(`list totals [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let wallets: WalletRecord[];
    let merchantKey: string;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      await isoCurrency(harness, 'EUR');
      wallets = [];
      for (let index = 0; index < 5; index++)
        wallets.push(await wallet(harness, usd.id, { merchantId: index < 3 ? 'm-1' : 'm-2', customerId: 'same-customer' }));
      for (const target of wallets) await topup(harness, target.id, '100');
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: wallets[0]?.id, toWalletId: wallets[1]?.id, amount: '10' }), 201);
      merchantKey = await harness.merchantKey('m-1');
    });
    after(() => harness.close());

    const get = async (url: string, key?: string) =>
      expectStatus<CountedPage>(await harness.request('GET', url, undefined, key !== undefined ? { key } : {}), 200);

    it('counts wallets matching the filters, whatever the page', async () => {
      const first = await get('/v1/wallets?customerId=same-customer&limit=2&include=total');
      assert.deepEqual([first.data.length, first.total], [2, 5]);
      const second = await get(`/v1/wallets?customerId=same-customer&limit=2&include=total&cursor=${first.nextCursor}`);
      assert.deepEqual([second.data.length, second.total], [2, 5]);
      assert.equal((await get('/v1/wallets?customerId=same-customer')).total, undefined, 'no total unless asked');
      assert.equal((await get('/v1/wallets?customerId=nobody&include=total')).total, 0);
      // A merchant key counts its own wallets only, whatever merchantId it names.
      assert.equal((await get('/v1/wallets?customerId=same-customer&merchantId=m-2&include=total', merchantKey)).total, 3);
    });

    it('counts transactions, currencies and events', async () => {
      assert.equal((await get('/v1/transactions?kind=topup&limit=1&include=total')).total, 5);
      assert.equal((await get(`/v1/transactions?walletId=${wallets[1]?.id}&include=total`)).total, 2);
      assert.equal((await get('/v1/transactions?include=total', merchantKey)).total, 4, 'm-1: three top-ups and the transfer');
      assert.equal((await get('/v1/currencies?code=USD&include=total')).total, 1);
      assert.equal((await get('/v1/currencies?limit=1&include=total')).total, 2);
      const created = await get('/v1/events?types=wallet.created&limit=1&include=total');
      // Five client wallets, and the four system accounts of each of the two currencies.
      assert.deepEqual([created.data.length, created.total], [1, 13]);
      assert.equal((await get('/v1/events?types=wallet.created&include=total', merchantKey)).total, 3);
      assert.equal((await get(`/v1/wallets/${wallets[0]?.id}/entries?limit=1&include=total`)).total, 2);
    });

    it('refuses an unknown include with 400', async () => {
      for (const url of [
        '/v1/wallets?include=everything',
        '/v1/transactions?include=',
        '/v1/currencies?include=TOTAL',
        '/v1/events?include=total&include=total',
      ]) {
        expectProblem(await harness.request('GET', url), 400, 'validation_failed');
      }
    });

    it('keeps the ledger balanced', async () => {
      await harness.assertLedgerConsistent();
      const trial = expectStatus<{ data: { posted: string; balanced: boolean }[] }>(await harness.request('GET', '/v1/reports/trial-balance'), 200);
      assert.ok(trial.data.every((currency) => currency.balanced && currency.posted === '0'));
    });
  });
}
