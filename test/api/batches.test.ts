/**
 * Batches: atomic ones apply all items or none; independent ones answer per item and a failed
 * item leaves no trace; 1,000 items work; the documented limit is enforced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { limits } from '../../src/domain/limits.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

type BatchAnswer = { atomic: boolean; succeeded: number; failed: number; results: { index: number; status: string; error?: { code: string } }[] };

for (const backend of backends) {
  describe(`batches [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let a: WalletRecord;
    let b: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      a = await wallet(harness, usd.id);
      b = await wallet(harness, usd.id);
      await topup(harness, a.id, '1000');
    });
    after(() => harness.close());

    it('applies nothing of an atomic batch when one item fails, naming the item', async () => {
      const snapshot = await ledgerSnapshot(harness.store);
      const problem = expectProblem(
        await harness.request('POST', '/v1/batches', {
          atomic: true,
          items: [
            { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '100' },
            { kind: 'topup', walletId: b.id, amount: '5' },
            { kind: 'withdrawal', walletId: b.id, amount: '1000000' },
          ],
        }),
        422,
        'batch_item_failed',
      );
      assert.deepEqual(problem.errors, [{ field: 'items.2', message: 'insufficient_funds' }]);
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
    });

    it('applies an atomic batch whole', async () => {
      const answer = expectStatus<BatchAnswer>(
        await harness.request('POST', '/v1/batches', {
          atomic: true,
          items: [
            { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '100' },
            { kind: 'transfer', fromWalletId: b.id, toWalletId: a.id, amount: '40' },
            { kind: 'adjustment', walletId: b.id, amount: '1', direction: 'credit', reason: 'batch' },
          ],
        }),
        201,
      );
      assert.equal(answer.succeeded, 3);
      assert.equal((await balanceOf(harness, b.id)).posted, '61');
      await harness.assertLedgerConsistent();
    });

    it('answers per item in an independent batch; failed items leave no trace', async () => {
      const before = BigInt((await balanceOf(harness, b.id)).posted);
      const answer = expectStatus<BatchAnswer>(
        await harness.request('POST', '/v1/batches', {
          atomic: false,
          items: [
            { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '10' },
            { kind: 'transfer', fromWalletId: b.id, toWalletId: b.id, amount: '10' },
            { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '0' },
            { kind: 'transfer', fromWalletId: a.id, toWalletId: b.id, amount: '99999999' },
            { kind: 'topup', walletId: b.id, amount: '5' },
          ],
        }),
        201,
      );
      assert.deepEqual(
        answer.results.map((r) => r.error?.code ?? r.status),
        ['posted', 'same_wallet', 'amount_invalid', 'insufficient_funds', 'posted'],
      );
      assert.equal(BigInt((await balanceOf(harness, b.id)).posted), before + 15n);
      await harness.assertLedgerConsistent();
    });

    it('applies 1,000 items in one request', async () => {
      const items = Array.from({ length: 1000 }, (_, index) => ({ kind: 'topup', walletId: index % 2 === 0 ? a.id : b.id, amount: '1' }));
      const answer = expectStatus<BatchAnswer>(await harness.request('POST', '/v1/batches', { atomic: true, items }), 201);
      assert.equal(answer.succeeded, 1000);
      await harness.assertLedgerConsistent();
    });

    it(`refuses more than ${limits.batchItemsMax} items, an empty batch and an unknown kind`, async () => {
      const snapshot = await ledgerSnapshot(harness.store);
      const items = Array.from({ length: limits.batchItemsMax + 1 }, () => ({ kind: 'topup', walletId: a.id, amount: '1' }));
      expectProblem(await harness.request('POST', '/v1/batches', { atomic: true, items }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/batches', { atomic: true, items: [] }), 400, 'validation_failed');
      expectProblem(
        await harness.request('POST', '/v1/batches', { atomic: true, items: [{ kind: 'mint', walletId: a.id, amount: '1' }] }),
        400,
        'validation_failed',
      );
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
    });
  });
}
