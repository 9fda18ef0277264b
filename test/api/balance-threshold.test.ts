/**
 * Low-balance thresholds: a wallet may name one; the posting that takes its available balance
 * from at or above it to below it writes one wallet.balance_below_threshold event (holds count,
 * since they lower available); staying below writes no more, and coming back up then down again
 * writes a new one. The threshold is set and removed like any wallet field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sealEvents } from '../../src/services/events.js';
import { backends } from '../support/backends.js';
import { readFeed } from '../support/feed.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`low-balance threshold [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    const crossings = async (walletId: string) => {
      await sealEvents(harness.store, new Date());
      return (await readFeed(harness, { types: 'wallet.balance_below_threshold' })).filter((event) => event.subjectId === walletId);
    };

    it('announces each crossing below the threshold once', async () => {
      const spender = await wallet(harness, usd.id, { lowBalanceThreshold: '500' });
      const other = await wallet(harness, usd.id);
      assert.equal((spender as unknown as { lowBalanceThreshold: string }).lowBalanceThreshold, '500');
      await topup(harness, spender.id, '1000');
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: spender.id, toWalletId: other.id, amount: '400' }), 201);
      assert.equal((await crossings(spender.id)).length, 0, '600 is still above 500');
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: spender.id, toWalletId: other.id, amount: '200' }), 201);
      const first = await crossings(spender.id);
      assert.equal(first.length, 1);
      assert.equal(first[0]?.data.available, '400');
      assert.equal(first[0]?.data.lowBalanceThreshold, '500');
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: spender.id, toWalletId: other.id, amount: '100' }), 201);
      assert.equal((await crossings(spender.id)).length, 1, 'staying below writes no new event');
      await topup(harness, spender.id, '1000');
      expectStatus(await harness.request('POST', '/v1/holds', { walletId: spender.id, amount: '900' }), 201);
      assert.equal((await crossings(spender.id)).length, 2, 'a hold that lowers available crosses again');
      await harness.assertLedgerConsistent();
    });

    it('is set, changed and removed by PATCH, and must be a whole number of minor units', async () => {
      const created = await wallet(harness, usd.id);
      const set = expectStatus<{ lowBalanceThreshold: string | null }>(
        await harness.request('PATCH', `/v1/wallets/${created.id}`, { lowBalanceThreshold: '0' }),
        200,
      );
      assert.equal(set.lowBalanceThreshold, '0');
      const removed = expectStatus<{ lowBalanceThreshold: string | null }>(
        await harness.request('PATCH', `/v1/wallets/${created.id}`, { lowBalanceThreshold: null }),
        200,
      );
      assert.equal(removed.lowBalanceThreshold, null);
      expectProblem(await harness.request('PATCH', `/v1/wallets/${created.id}`, { lowBalanceThreshold: '-1' }), 400, 'validation_failed');
      expectProblem(await harness.request('PATCH', `/v1/wallets/${created.id}`, { lowBalanceThreshold: 1.5 }), 400, 'validation_failed');
    });
  });
}
