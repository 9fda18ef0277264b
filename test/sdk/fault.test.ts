/**
 * The fault test: 1,000 transfers through a proxy that drops a share of answers after the server
 * committed, cuts connections while the server works, truncates bodies and delays answers. The
 * SDK's retries reuse each call's Idempotency-Key, so every transfer posts exactly once: each call
 * returns its own transaction or a clear error naming its key (no answer: CofferClientError; or
 * the server still running the first attempt: CofferError request_in_progress), and repeating
 * that key afterwards answers the one transaction; the transaction count and every balance prove it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Coffer, CofferClientError, CofferError, type Transaction, type Wallet } from '../../packages/sdk/src/index.js';
import { backends } from '../support/backends.js';
import { runWithClients, seededRandom } from '../support/random.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type SdkServer, startSdkServer } from './server.js';

const transfers = 1_000;
const walletCount = 8;
const startingBalance = 1_000_000n;

for (const backend of backends) {
  describe(`sdk fault test [${backend.name}]`, () => {
    let server: SdkServer;
    let proxy: FaultProxy;
    let direct: Coffer;
    let wallets: Wallet[];
    before(async () => {
      server = await startSdkServer(backend);
      direct = server.client();
      const usd = await direct.currencies.importIso('USD');
      wallets = [];
      for (let index = 0; index < walletCount; index++) {
        const wallet = await direct.wallets.create({ currencyId: usd.id, merchantId: 'm-fault', customerId: `c${index}` });
        await direct.topups.create({ walletId: wallet.id, amount: startingBalance });
        wallets.push(wallet);
      }
      proxy = await startFaultProxy(server.baseUrl, { dropAfterAnswer: 0.15, cutInFlight: 0.05, truncate: 0.03, delay: 0.2, maxDelayMs: 40 }, seededRandom(15));
    });
    after(async () => {
      await proxy.close();
      await server.close();
    });

    it('1,000 transfers through drops, cuts, truncations and delays post exactly once each', async () => {
      const sdk = server.client({ baseUrl: proxy.url, initialRetryDelayMs: 20, maxRetryDelayMs: 200, timeoutMs: 10_000 });
      const plan = Array.from({ length: transfers }, (_, index) => {
        const from = index % walletCount;
        const to = (from + 1 + (index % (walletCount - 1))) % walletCount;
        return { from, to, amount: BigInt((index % 50) + 1), key: `fault-${backend.name}-${index}` };
      });
      const outcomes = await runWithClients(
        20,
        plan.map((item) => async (): Promise<Transaction | CofferClientError | CofferError> => {
          try {
            return await sdk.transfers.create(
              { fromWalletId: (wallets[item.from] as Wallet).id, toWalletId: (wallets[item.to] as Wallet).id, amount: item.amount },
              { idempotencyKey: item.key },
            );
          } catch (error) {
            if (error instanceof CofferClientError) return error;
            // The only acceptable refusal: the retries ran out while the server still ran the first attempt.
            if (error instanceof CofferError && error.code === 'request_in_progress') return error;
            throw error; // any other refusal would be a wrong answer: every transfer here is valid
          }
        }),
      );

      const failed = outcomes.flatMap((outcome, index) => (outcome instanceof CofferClientError || outcome instanceof CofferError ? [index] : []));
      const inProgress = outcomes.filter((outcome) => outcome instanceof CofferError).length;
      const ids = new Set<string>();
      for (const [index, outcome] of outcomes.entries()) {
        const item = plan[index] as (typeof plan)[number];
        if (outcome instanceof CofferClientError || outcome instanceof CofferError) {
          assert.equal(outcome.idempotencyKey, item.key, 'a failed call names the key to retry with');
          if (outcome instanceof CofferClientError) assert.equal(outcome.attempts, 3);
          continue;
        }
        assert.equal(outcome.amount, item.amount.toString(), "the answer is this call's transfer");
        assert.equal(outcome.fromWalletId, (wallets[item.from] as Wallet).id);
        assert.equal(outcome.toWalletId, (wallets[item.to] as Wallet).id);
        assert.equal(outcome.status, 'posted');
        ids.add(outcome.id);
      }
      assert.equal(ids.size, transfers - failed.length, 'no two calls answered the same transaction');
      // A call that failed is settled by retrying its key later, directly: it answers the transaction
      // the lost attempt made, or posts it now; either way once.
      const patient = server.client({ maxRetries: 20, initialRetryDelayMs: 100, maxRetryDelayMs: 1_000 });
      for (const index of failed) {
        const item = plan[index] as (typeof plan)[number];
        const settled = await patient.transfers.create(
          { fromWalletId: (wallets[item.from] as Wallet).id, toWalletId: (wallets[item.to] as Wallet).id, amount: item.amount },
          { idempotencyKey: item.key },
        );
        assert.ok(!ids.has(settled.id));
        ids.add(settled.id);
      }

      const rows = await server.harness.store.database.query<{ count: string }>(`select count(*)::text as count from transactions where kind = 'transfer'`);
      assert.equal(rows[0]?.count, String(transfers), 'exactly one transfer transaction per call');
      const expected = wallets.map(() => startingBalance);
      for (const item of plan) {
        expected[item.from] = (expected[item.from] as bigint) - item.amount;
        expected[item.to] = (expected[item.to] as bigint) + item.amount;
      }
      for (const [index, wallet] of wallets.entries()) {
        const balance = await direct.wallets.balance(wallet.id);
        assert.equal(balance.balance.posted, (expected[index] as bigint).toString(), `wallet ${index} balance`);
      }
      await server.harness.assertLedgerConsistent();
      const { stats } = proxy;
      assert.ok(stats.dropped > 50 && stats.cut > 10 && stats.truncated > 5 && stats.delayed > 100, `the proxy misbehaved: ${JSON.stringify(stats)}`);
      console.log(
        `fault test [${backend.name}]: ${JSON.stringify(stats)}, calls that ended without their answer: ${failed.length} (${inProgress} request_in_progress)`,
      );
    });
  });
}
