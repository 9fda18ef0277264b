/**
 * Issue 12 items 3, 7 and 17: a virtual wallet's parent belongs to the same merchant; the
 * uniqueness rules (main wallet, externalId) hold per merchant; the ISO import is idempotent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`ownership and uniqueness [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it("refuses to hang one merchant's virtual wallet under another merchant's wallet", async () => {
      const parentA = await wallet(harness, usd.id, { merchantId: 'v-a', customerId: 'cust-1' });
      expectProblem(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, merchantId: 'v-b', customerId: 'cust-1', parentWalletId: parentA.id }),
        422,
        'wallet_not_virtual_parent',
      );
      expectProblem(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, customerId: 'cust-1', parentWalletId: parentA.id }),
        422,
        'wallet_not_virtual_parent',
      );
      const child = await wallet(harness, usd.id, { merchantId: 'v-a', customerId: 'cust-1', parentWalletId: parentA.id });
      assert.ok(child.id);
    });

    it('keeps one main wallet per customer and currency per merchant', async () => {
      const keyA = await harness.merchantKey('u-a');
      const keyB = await harness.merchantKey('u-b');
      await wallet(harness, usd.id, { customerId: 'shared-customer', main: true }, keyA);
      // Another merchant's customer with the same id is another customer: no conflict, nothing revealed.
      await wallet(harness, usd.id, { customerId: 'shared-customer', main: true }, keyB);
      expectProblem(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, customerId: 'shared-customer', main: true }, { key: keyA }),
        409,
        'main_wallet_conflict',
      );
      // The platform (no merchant) is a scope of its own.
      await wallet(harness, usd.id, { customerId: 'shared-customer', main: true });
      expectProblem(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, customerId: 'shared-customer', main: true }),
        409,
        'main_wallet_conflict',
      );
    });

    it('keeps externalId per merchant: a retry replays, another merchant is not blocked', async () => {
      const keyA = await harness.merchantKey('x-a');
      const keyB = await harness.merchantKey('x-b');
      const first = await wallet(harness, usd.id, { externalId: 'onboard-1', customerId: 'c' }, keyB);
      const mine = await wallet(harness, usd.id, { externalId: 'onboard-1', customerId: 'c' }, keyA);
      assert.notEqual(mine.id, first.id);
      const again = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, externalId: 'onboard-1', customerId: 'c' }, { key: keyA }),
        200,
      );
      assert.equal(again.id, mine.id);
    });
  });

  describe(`ISO import [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    const count = async (code: string) =>
      Number((await harness.store.database.query<{ n: number }>('select count(*)::int as n from currencies where code = $1', [code]))[0]?.n);

    it('answers the currency imported before, in any letter case (200), and creates one on the first import (201)', async () => {
      const first = expectStatus<{ id: string }>(await harness.request('POST', '/v1/currencies/iso/EUR'), 201);
      for (const spelling of ['EUR', 'eur', 'Eur']) {
        const again = expectStatus<{ id: string; code: string }>(await harness.request('POST', `/v1/currencies/iso/${spelling}`), 200);
        assert.equal(again.id, first.id);
        assert.equal(again.code, 'EUR');
      }
      assert.equal(await count('EUR'), 1);
      // A second EUR is still possible on purpose, and does not change what the import answers.
      const second = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/currencies', { code: 'EUR', name: 'Other euro', fraction: 100, assetType: 'emoney' }),
        201,
      );
      assert.notEqual(second.id, first.id);
      assert.equal(expectStatus<{ id: string }>(await harness.request('POST', '/v1/currencies/iso/eur'), 200).id, first.id);
    });

    it('creates exactly one currency from concurrent imports of one code', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => harness.request('POST', `/v1/currencies/iso/${index % 2 === 0 ? 'GBP' : 'gbp'}`)),
      );
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 200, 200, 200, 200, 201]);
      assert.equal(new Set(answers.map((answer) => JSON.parse(answer.body).id)).size, 1);
      assert.equal(await count('GBP'), 1);
      const systems = await harness.store.database.query<{ n: number }>(
        `select count(*)::int as n from wallets w join currencies c on c.id = w.currency_id where c.code = 'GBP' and w.category = 'system'`,
      );
      assert.equal(systems[0]?.n, 4);
    });
  });
}
