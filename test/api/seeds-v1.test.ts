/**
 * What the seeds ask of /v1 (issue 17): statuses as the seeds use them (reason optional, DELETE
 * terminates, ?status=inactive, status history), wallet numbers wherever a wallet id is, and
 * instruments found by UK and US account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Json = Record<string, unknown>;

for (const backend of backends) {
  describe(`seeds in /v1 [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let gbp: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      gbp = await isoCurrency(harness, 'GBP');
    });
    after(() => harness.close());

    it('item 3: reason optional, ?status=inactive, status history kept across a reactivation, DELETE closes', async () => {
      const alice = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'alice' });
      assert.equal(expectStatus<Json>(await harness.request('POST', `/v1/wallets/${alice.id}/status`, { status: 'inactive' }), 200).status, 'blocked');
      const listed = expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=inactive&merchantId=m-status'), 200).data;
      assert.deepEqual(listed.map((item) => item.id), [alice.id]);
      assert.equal(expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=blocked&merchantId=m-status'), 200).data.length, 1);
      expectStatus(await harness.request('POST', `/v1/wallets/${alice.id}/status`, { status: 'active', reason: 'review_completed', description: 'cleared' }), 200);
      assert.equal(expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=inactive&merchantId=m-status'), 200).data.length, 0);
      const history = expectStatus<{ data: Json[]; nextCursor: string | null }>(await harness.request('GET', `/v1/wallets/${alice.id}/status-history`), 200);
      assert.deepEqual(
        history.data.map((entry) => [entry.previousStatus, entry.status, entry.reason, entry.description]),
        [
          ['blocked', 'active', 'review_completed', 'cleared'],
          ['active', 'blocked', null, null],
        ],
      );
      const page = expectStatus<{ data: Json[]; nextCursor: string | null }>(await harness.request('GET', `/v1/wallets/${alice.id}/status-history?limit=1`), 200);
      assert.equal(page.data.length, 1);
      assert.equal(expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/wallets/${alice.id}/status-history?cursor=${page.nextCursor}`), 200).data[0]?.status, 'blocked');
      // Another merchant sees no history; DELETE refuses a wallet with money, then closes an empty one.
      const stranger = await harness.merchantKey('m-stranger');
      expectProblem(await harness.request('GET', `/v1/wallets/${alice.id}/status-history`, undefined, { key: stranger }), 404, 'not_found');
      expectProblem(await harness.request('DELETE', `/v1/wallets/${alice.id}`, undefined, { key: stranger }), 404, 'not_found');
      await topup(harness, alice.id, '100');
      expectProblem(await harness.request('DELETE', `/v1/wallets/${alice.id}`), 422, 'wallet_not_empty');
      const bob = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'bob' });
      const closed = expectStatus<Json>(await harness.request('DELETE', `/v1/wallets/${bob.id}`), 200);
      assert.equal(closed.status, 'closed');
      const withReason = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'carol' });
      assert.equal(expectStatus<Json>(await harness.request('DELETE', `/v1/wallets/${withReason.id}?reason=customer_request&description=moved%20away`), 200).statusReason, 'customer_request');
      expectProblem(await harness.request('DELETE', `/v1/wallets/${bob.id}`), 422, 'wallet_closed');
      expectProblem(await harness.request('POST', `/v1/wallets/${bob.id}/status`, { status: 'active' }), 422, 'wallet_closed');
      await harness.assertLedgerConsistent();
    });
  });
}
