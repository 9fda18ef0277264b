/**
 * POST /v1/wallets/bulk: many wallets in one request, each answered as POST /v1/wallets would
 * answer it (created, or the wallet an externalId already names), independently: a refused item
 * leaves no trace and the others still apply. Merchant keys onboard only into their own merchant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

interface BulkAnswer {
  created: number;
  existing: number;
  failed: number;
  results: {
    index: number;
    status: string;
    wallet?: { id: string; externalId: string | null; merchantId: string | null; name: string | null };
    error?: { code: string };
  }[];
}

for (const backend of backends) {
  describe(`bulk wallet creation [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('creates many wallets, answers a second run with the same wallets, and counts them', async () => {
      const items = Array.from({ length: 120 }, (_, index) => ({ currencyId: usd.id, externalId: `bulk-${index}`, name: `Customer ${index}` }));
      const first = expectStatus<BulkAnswer>(await harness.request('POST', '/v1/wallets/bulk', { items }), 200);
      assert.deepEqual({ created: first.created, existing: first.existing, failed: first.failed }, { created: 120, existing: 0, failed: 0 });
      assert.deepEqual(
        first.results.map((result) => [result.index, result.wallet?.externalId, result.wallet?.name]),
        items.map((item, index) => [index, item.externalId, item.name]),
      );
      const again = expectStatus<BulkAnswer>(await harness.request('POST', '/v1/wallets/bulk', { items }), 200);
      assert.deepEqual({ created: again.created, existing: again.existing, failed: again.failed }, { created: 0, existing: 120, failed: 0 });
      assert.deepEqual(
        again.results.map((result) => result.wallet?.id),
        first.results.map((result) => result.wallet?.id),
      );
      // The single-wallet route sees the same wallets.
      const single = expectStatus<{ id: string }>(await harness.request('POST', '/v1/wallets', items[7]), 200);
      assert.equal(single.id, first.results[7]?.wallet?.id);
      const listed = expectStatus<{ data: unknown[] }>(await harness.request('GET', '/v1/wallets?externalId=bulk-119'), 200);
      assert.equal(listed.data.length, 1);
      await harness.assertLedgerConsistent();
    });

    it('refuses items one by one, leaving no trace of them, and applies the rest', async () => {
      const before = expectStatus<{ data: unknown[] }>(await harness.request('GET', '/v1/wallets?customerId=mixed&limit=500'), 200).data.length;
      const items = [
        { currencyId: usd.id, externalId: 'mixed-1', customerId: 'mixed' },
        { currencyId: '00000000-0000-4000-8000-000000000000', externalId: 'mixed-2', customerId: 'mixed' },
        { currencyId: usd.id, externalId: 'mixed-3', customerId: 'mixed', type: 'issuing' },
        { currencyId: usd.id, externalId: 'mixed-4', customerId: 'mixed', main: true },
        { currencyId: usd.id, externalId: 'mixed-5', customerId: 'mixed', main: true },
        { currencyId: usd.id, externalId: 'mixed-1', customerId: 'someone-else' },
        { currencyId: usd.id, externalId: 'mixed-6', customerId: 'mixed' },
        { currencyId: usd.id, externalId: 'mixed-6', customerId: 'mixed' },
      ];
      const answer = expectStatus<BulkAnswer>(await harness.request('POST', '/v1/wallets/bulk', { items }), 200);
      assert.deepEqual(
        answer.results.map((result) => `${result.status}${result.error !== undefined ? `:${result.error.code}` : ''}`),
        [
          'created',
          'failed:not_found',
          'failed:system_wallet_not_allowed',
          'created',
          'failed:main_wallet_conflict',
          'failed:external_id_conflict',
          'created',
          'existing',
        ],
      );
      assert.equal(answer.results[7]?.wallet?.id, answer.results[6]?.wallet?.id, 'an externalId twice in one request is one wallet');
      assert.deepEqual({ created: answer.created, existing: answer.existing, failed: answer.failed }, { created: 3, existing: 1, failed: 4 });
      const after = expectStatus<{ data: unknown[] }>(await harness.request('GET', '/v1/wallets?customerId=mixed&limit=500'), 200).data.length;
      assert.equal(after - before, 3, 'only the created wallets exist');
      await harness.assertLedgerConsistent();
    });

    it('keeps a merchant key to its own merchant and refuses bad input whole', async () => {
      const key = await harness.merchantKey('bulk-shop');
      const answer = expectStatus<BulkAnswer>(
        await harness.request('POST', '/v1/wallets/bulk', { items: [{ currencyId: usd.id, externalId: 'shop-1' }] }, { key }),
        200,
      );
      assert.equal(answer.results[0]?.wallet?.merchantId, 'bulk-shop');
      const foreign = expectStatus<BulkAnswer>(
        await harness.request('POST', '/v1/wallets/bulk', { items: [{ currencyId: usd.id, externalId: 'shop-2', merchantId: 'another-shop' }] }, { key }),
        200,
      );
      assert.equal(foreign.results[0]?.wallet?.merchantId, 'bulk-shop', 'a merchant key onboards into its own merchant whatever it names');
      expectProblem(await harness.request('POST', '/v1/wallets/bulk', { items: [] }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/wallets/bulk', { items: [{ currencyId: usd.id, color: 'red' }] }), 400, 'validation_failed');
      const tooMany = Array.from({ length: 1001 }, (_, index) => ({ currencyId: usd.id, externalId: `x-${index}` }));
      expectProblem(await harness.request('POST', '/v1/wallets/bulk', { items: tooMany }), 400, 'validation_failed');
      // An amount that is not one refuses the whole request, naming the item.
      const tooLarge = expectProblem(
        await harness.request('POST', '/v1/wallets/bulk', {
          items: [
            { currencyId: usd.id, externalId: 'x-1' },
            { currencyId: usd.id, externalId: 'x-2', creditLimit: '9'.repeat(40) },
          ],
        }),
        400,
        'amount_too_large',
      );
      assert.match(String(tooLarge.detail), /^items\.1: /);
      const none = expectStatus<{ data: unknown[] }>(await harness.request('GET', '/v1/wallets?externalId=x-1'), 200);
      assert.equal(none.data.length, 0);
      // A credit limit needs the issue scope, item by item.
      const writer = await harness.merchantKey('bulk-shop', ['read', 'write']);
      const limited = expectStatus<BulkAnswer>(
        await harness.request(
          'POST',
          '/v1/wallets/bulk',
          {
            items: [
              { currencyId: usd.id, externalId: 'shop-3', creditLimit: '500' },
              { currencyId: usd.id, externalId: 'shop-4' },
            ],
          },
          { key: writer },
        ),
        200,
      );
      assert.deepEqual(
        limited.results.map((result) => result.status),
        ['failed', 'created'],
      );
      await harness.assertLedgerConsistent();
    });
  });
}
