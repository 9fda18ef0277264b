/**
 * Issue 12 item 2: no merchant can move another merchant's money. A movement an admin makes
 * between wallets of two merchants belongs to neither: only an admin key may reverse, capture,
 * void, settle or fail it (a merchant that sees it gets 403, one that cannot see it 404). A
 * merchant reading any transaction sees only its own wallets' entries: never another wallet's
 * `balanceAfter`, nor the issuing account's (the platform's issued total).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

interface Entry {
  readonly walletId: string;
  readonly balanceAfter: string;
}
interface TransactionBody {
  readonly id: string;
  readonly merchantId: string | null;
  readonly entries: Entry[];
}

for (const backend of backends) {
  describe(`movements between merchants [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let keyA: string;
    let keyB: string;
    let keyC: string;
    let walletA: string;
    let walletB: string;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      keyA = await harness.merchantKey('m-a');
      keyB = await harness.merchantKey('m-b');
      keyC = await harness.merchantKey('m-c');
      walletA = (await wallet(harness, usd.id, { merchantId: 'm-a' })).id;
      walletB = (await wallet(harness, usd.id, { merchantId: 'm-b' })).id;
      for (const id of [walletA, walletB]) expectStatus(await harness.request('POST', '/v1/topups', { walletId: id, amount: '1000' }), 201);
    });
    after(() => harness.close());

    it('lets neither merchant reverse an admin transfer between them; each reads only its own entries', async () => {
      const transfer = expectStatus<TransactionBody>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: walletA, toWalletId: walletB, amount: '100' }),
        201,
      );
      assert.equal(transfer.merchantId, null, 'a movement between merchants belongs to neither');
      for (const key of [keyA, keyB]) {
        const refused = await harness.request('POST', `/v1/transactions/${transfer.id}/reverse`, {}, { key });
        assert.equal(refused.statusCode, 403, refused.body);
        assert.equal(JSON.parse(refused.body).code, 'forbidden');
      }
      const stranger = await harness.request('POST', `/v1/transactions/${transfer.id}/reverse`, {}, { key: keyC });
      assert.equal(stranger.statusCode, 404, stranger.body);
      expectStatus(await harness.request('GET', `/v1/transactions/${transfer.id}`, undefined, { key: keyC }), 404);

      for (const [key, own] of [
        [keyA, walletA],
        [keyB, walletB],
      ] as const) {
        const seen = expectStatus<TransactionBody>(await harness.request('GET', `/v1/transactions/${transfer.id}`, undefined, { key }), 200);
        assert.deepEqual(
          seen.entries.map((entry) => entry.walletId),
          [own],
          'only its own wallet entry',
        );
        const listed = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', `/v1/transactions?walletId=${own}`, undefined, { key }), 200);
        assert.ok(
          listed.data.some((row) => row.id === transfer.id),
          'listed under its own wallet',
        );
      }
      const full = expectStatus<TransactionBody>(await harness.request('GET', `/v1/transactions/${transfer.id}`), 200);
      assert.equal(full.entries.length, 2, 'the admin sees every entry');
      // The admin may reverse it.
      expectStatus(await harness.request('POST', `/v1/transactions/${transfer.id}/reverse`, {}), 201);
      assert.equal(expectStatus<{ balance: { posted: string } }>(await harness.request('GET', `/v1/wallets/${walletB}`), 200).balance.posted, '1000');
      await harness.assertLedgerConsistent();
    });

    it('lets no merchant settle, fail, capture or void a reservation between merchants', async () => {
      const credit = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/pending-credits', { walletId: walletB, fromWalletId: walletA, amount: '50' }),
        201,
      );
      for (const action of ['settle', 'fail']) {
        for (const key of [keyA, keyB]) {
          const refused = await harness.request('POST', `/v1/pending-credits/${credit.id}/${action}`, {}, { key });
          assert.equal(refused.statusCode, 403, `${action}: ${refused.body}`);
        }
        expectStatus(await harness.request('POST', `/v1/pending-credits/${credit.id}/${action}`, {}, { key: keyC }), 404);
      }
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: walletA, toWalletId: walletB, amount: '30' }), 201);
      for (const action of ['capture', 'void']) {
        for (const key of [keyA, keyB]) {
          const refused = await harness.request('POST', `/v1/holds/${hold.id}/${action}`, {}, { key });
          assert.equal(refused.statusCode, 403, `${action}: ${refused.body}`);
        }
      }
      expectStatus(await harness.request('GET', `/v1/holds/${hold.id}`, undefined, { key: keyB }), 200);
      expectStatus(await harness.request('GET', `/v1/holds/${hold.id}`, undefined, { key: keyC }), 404);
      expectStatus(await harness.request('POST', `/v1/pending-credits/${credit.id}/settle`, {}), 200);
      expectStatus(await harness.request('POST', `/v1/holds/${hold.id}/void`, {}), 200);
      await harness.assertLedgerConsistent();
    });

    it('never shows a merchant the balanceAfter of a system account or another wallet', async () => {
      const own = expectStatus<TransactionBody>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: walletA, toWalletId: walletA, amount: '1' }, { key: keyA }),
        422,
      );
      assert.ok(own);
      // A merchant's own withdrawal answers only its wallet's entry (not the settlement account's).
      const withdrawal = expectStatus<TransactionBody>(
        await harness.request('POST', '/v1/withdrawals', { walletId: walletA, amount: '5' }, { key: keyA }),
        201,
      );
      assert.deepEqual(
        withdrawal.entries.map((entry) => entry.walletId),
        [walletA],
      );
      // An admin top-up read by the merchant: no issuing-account entry.
      const topup = expectStatus<TransactionBody>(await harness.request('POST', '/v1/topups', { walletId: walletA, amount: '5' }), 201);
      assert.equal(topup.entries.length, 2);
      const seen = expectStatus<TransactionBody>(await harness.request('GET', `/v1/transactions/${topup.id}`, undefined, { key: keyA }), 200);
      assert.deepEqual(
        seen.entries.map((entry) => entry.walletId),
        [walletA],
      );
      // A merchant's own reversal answers only its own entries too.
      const reversal = expectStatus<TransactionBody>(await harness.request('POST', `/v1/transactions/${withdrawal.id}/reverse`, {}, { key: keyA }), 201);
      assert.deepEqual(
        reversal.entries.map((entry) => entry.walletId),
        [walletA],
      );
      await harness.assertLedgerConsistent();
    });
  });
}
