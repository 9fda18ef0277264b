/**
 * Real concurrency on the same wallets: 32 parallel clients send 500 random transfers among 10
 * wallets (some with credit limits) and 200 transfers into one hot wallet. Money is conserved,
 * no wallet goes below −creditLimit, every acknowledged transfer appears exactly once in the
 * statements, the ledger invariant holds, and no request fails with a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { runWithClients, seededRandom } from '../support/random.js';

const seed = Number(process.env.COFFER_TEST_SEED ?? 20261122);

for (const backend of backends) {
  describe(`concurrent transfers [${backend.name}] (seed ${seed})`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    const wallets: WalletRecord[] = [];
    const creditLimits: bigint[] = [];
    let hot: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      for (let index = 0; index < 10; index++) {
        const limit = index % 3 === 0 ? 200n : 0n;
        creditLimits.push(limit);
        wallets.push(await wallet(harness, usd.id, { creditLimit: limit.toString() }));
        await topup(harness, (wallets[index] as WalletRecord).id, '1000');
      }
      hot = await wallet(harness, usd.id, { name: 'hot' });
    });
    after(() => harness.close());

    it('conserves money, never overdraws, records every acknowledged transfer once', async () => {
      const random = seededRandom(seed);
      const pick = () => wallets[Math.floor(random() * wallets.length)] as WalletRecord;
      const tasks: (() => Promise<{ status: number; id?: string; from: string; to: string }>)[] = [];
      for (let index = 0; index < 500; index++) {
        const from = pick();
        let to = pick();
        while (to.id === from.id) to = pick();
        const amount = String(1 + Math.floor(random() * 400));
        tasks.push(async () => {
          const answer = await harness.request(
            'POST',
            '/v1/transfers',
            { fromWalletId: from.id, toWalletId: to.id, amount },
            { headers: { 'idempotency-key': `c-${index}` } },
          );
          return { status: answer.statusCode, id: answer.statusCode === 201 ? (JSON.parse(answer.body).id as string) : undefined, from: from.id, to: to.id };
        });
      }
      for (let index = 0; index < 200; index++) {
        const from = pick();
        tasks.push(async () => {
          const answer = await harness.request('POST', '/v1/transfers', { fromWalletId: from.id, toWalletId: hot.id, amount: '1' });
          return { status: answer.statusCode, id: answer.statusCode === 201 ? (JSON.parse(answer.body).id as string) : undefined, from: from.id, to: hot.id };
        });
      }
      // Interleave the hot-wallet transfers with the random ones.
      const shuffled = tasks
        .map((task, index) => ({ task, key: seededRandom(seed + index)() }))
        .sort((a, b) => a.key - b.key)
        .map((entry) => entry.task);
      const results = await runWithClients(32, shuffled);

      const statuses = new Map<number, number>();
      for (const result of results) statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      assert.ok(
        results.every((result) => result.status === 201 || result.status === 422),
        `statuses: ${JSON.stringify([...statuses])}`,
      );
      const acknowledged = results.filter((result) => result.id !== undefined);
      assert.ok(acknowledged.length > 350, `only ${acknowledged.length} transfers succeeded`);

      let total = 0n;
      for (const [index, record] of [...wallets, hot].entries()) {
        const balance = await balanceOf(harness, record.id);
        total += BigInt(balance.posted);
        if (index < wallets.length) assert.ok(BigInt(balance.available) >= -(creditLimits[index] as bigint), `wallet ${index} overdrawn: ${balance.available}`);
      }
      assert.equal(total, 10_000n, 'money is conserved among the wallets');

      // Every acknowledged transfer appears exactly once as a debit on its source statement and once as a credit on its target.
      const seen = new Map<string, number>();
      for (const record of [...wallets, hot]) {
        let cursor: string | null = null;
        do {
          const url: string = `/v1/wallets/${record.id}/entries?limit=500${cursor !== null ? `&cursor=${cursor}` : ''}`;
          const page = expectStatus<{ data: { transactionId: string; kind: string }[]; nextCursor: string | null }>(await harness.request('GET', url), 200);
          for (const entry of page.data) if (entry.kind === 'transfer') seen.set(entry.transactionId, (seen.get(entry.transactionId) ?? 0) + 1);
          cursor = page.nextCursor;
        } while (cursor !== null);
      }
      assert.equal(seen.size, acknowledged.length);
      for (const result of acknowledged) assert.equal(seen.get(result.id as string), 2, `transaction ${result.id} appears twice (debit and credit)`);
      const hotTransfers = acknowledged.filter((result) => result.to === hot.id).length;
      assert.equal(BigInt((await balanceOf(harness, hot.id)).posted), BigInt(hotTransfers));
      await harness.assertLedgerConsistent();
    });
  });
}
