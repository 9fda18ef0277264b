/**
 * Holds under concurrency. A capture and a void fired at the same hold together: exactly one
 * wins, fifty times over, and the balances add up. Holds and transfers racing on one wallet
 * never take its available balance below −creditLimit. Due holds swept by two expiry workers
 * at once (on PostgreSQL two stores with their own pools on one schema, as two server processes
 * would be) while clients void some of them: each hold is resolved exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expireDueHolds, startHoldExpiry } from '../../src/services/hold-expiry.js';
import { openStore } from '../../src/store/connect.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { runWithClients, seededRandom } from '../support/random.js';

const seed = Number(process.env.COFFER_TEST_SEED ?? 20261122);

type Hold = { id: string; status: string; capturedAmount: string | null };

/** A second "server process" on the same database: its own pool on the same schema (PostgreSQL only). */
async function secondStore(harness: Harness): Promise<Store | null> {
  const url = process.env.TEST_DATABASE_URL;
  if (harness.store.backend !== 'postgres' || url === undefined) return null;
  const [row] = await harness.store.database.query<{ schema: string }>('select current_schema() as schema');
  return openStore({ databaseUrl: url, schema: String(row?.schema), poolSize: 10 });
}

for (const backend of backends) {
  describe(`holds under concurrency [${backend.name}] (seed ${seed})`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('lets exactly one of a capture and a void win, 50 times, with the balances right', async () => {
      const payer = await wallet(harness, usd.id);
      const shop = await wallet(harness, usd.id);
      await topup(harness, payer.id, '5000');
      let captured = 0n;
      for (let round = 0; round < 50; round++) {
        const amount = 10 + (round % 7);
        const hold = expectStatus<Hold>(await harness.request('POST', '/v1/holds', { walletId: payer.id, toWalletId: shop.id, amount }), 201);
        const captureFirst = round % 2 === 0;
        const requests = [
          harness.request('POST', `/v1/holds/${hold.id}/capture`, { amount: amount - 1 }),
          harness.request('POST', `/v1/holds/${hold.id}/void`, {}),
        ];
        const [capture, release] = await Promise.all(captureFirst ? requests : [...requests].reverse()).then((answers) =>
          captureFirst ? answers : [...answers].reverse(),
        );
        const codes = [capture?.statusCode, release?.statusCode].sort();
        assert.deepEqual(codes, [200, 409], `round ${round}: ${capture?.body} / ${release?.body}`);
        const loser = capture?.statusCode === 409 ? capture : release;
        assert.equal((JSON.parse(loser?.body ?? '{}') as { code: string }).code, 'hold_not_pending');
        const final = expectStatus<Hold>(await harness.request('GET', `/v1/holds/${hold.id}`), 200);
        if (capture?.statusCode === 200) {
          captured += BigInt(amount - 1);
          assert.equal(final.status, 'posted');
        } else {
          assert.equal(final.status, 'voided');
        }
      }
      assert.deepEqual(await balanceOf(harness, payer.id), {
        posted: (5000n - captured).toString(),
        held: '0',
        pending: '0',
        available: (5000n - captured).toString(),
        ledger: (5000n - captured).toString(),
        creditLimit: '0',
      });
      assert.equal((await balanceOf(harness, shop.id)).posted, captured.toString());
      await harness.assertLedgerConsistent();
    });

    it('never lets holds and transfers racing on one wallet take available below −creditLimit', async () => {
      const random = seededRandom(seed);
      const payer = await wallet(harness, usd.id, { creditLimit: '200' });
      const other = await wallet(harness, usd.id);
      await topup(harness, payer.id, '1000');
      const tasks = Array.from({ length: 80 }, (_, index) => {
        const amount = 20 + Math.floor(random() * 60);
        return index % 2 === 0
          ? () => harness.request('POST', '/v1/holds', { walletId: payer.id, amount })
          : () => harness.request('POST', '/v1/transfers', { fromWalletId: payer.id, toWalletId: other.id, amount });
      });
      const answers = await runWithClients(16, tasks);
      for (const answer of answers) {
        assert.ok(answer.statusCode === 201 || answer.statusCode === 422, answer.body);
        if (answer.statusCode === 422) assert.equal((JSON.parse(answer.body) as { code: string }).code, 'insufficient_funds');
      }
      assert.ok(
        answers.some((answer) => answer.statusCode === 422),
        'the wallet ran out: some requests must be refused',
      );
      const balance = await balanceOf(harness, payer.id);
      assert.ok(BigInt(balance.available) >= -200n, `available ${balance.available}`);
      assert.ok(BigInt(balance.available) < 20n, `the races used the money up: available ${balance.available}`);
      await harness.assertLedgerConsistent();
    });

    it('resolves every due hold exactly once with two expiry workers and clients voiding at once', async () => {
      const payer = await wallet(harness, usd.id);
      await topup(harness, payer.id, '100000');
      const expiresAt = new Date(Date.now() + 60_000);
      const holds: Hold[] = [];
      for (let index = 0; index < 60; index++) {
        holds.push(
          expectStatus<Hold>(await harness.request('POST', '/v1/holds', { walletId: payer.id, amount: 100 + index, expiresAt: expiresAt.toISOString() }), 201),
        );
      }
      const other = (await secondStore(harness)) ?? harness.store;
      try {
        const sweep = new Date(expiresAt.getTime() + 1);
        // Voids as of now (before expiresAt) race with workers sweeping as of a later instant.
        const [first, second, voids] = await Promise.all([
          expireDueHolds(harness.store, sweep),
          expireDueHolds(other, sweep),
          Promise.all(holds.filter((_, index) => index % 4 === 0).map((hold) => harness.request('POST', `/v1/holds/${hold.id}/void`, {}))),
        ]);
        const voided = voids.filter((answer) => answer.statusCode === 200).length;
        for (const answer of voids) assert.ok(answer.statusCode === 200 || answer.statusCode === 409, answer.body);
        assert.equal(first + second + voided, holds.length, `workers ${first} + ${second}, voids ${voided}`);
        const rows = await harness.store.database.query<{ status: string; entries: number }>(
          `select t.status, (select count(*)::int from entries e where e.transaction_id = t.id) as entries
           from transactions t where t.id = any($1::uuid[])`,
          [holds.map((hold) => hold.id)],
        );
        assert.equal(rows.length, holds.length);
        for (const row of rows) {
          assert.ok(row.status === 'expired' || row.status === 'voided', row.status);
          assert.equal(row.entries, 4, 'one reservation and one release: never released twice');
        }
        assert.equal(rows.filter((row) => row.status === 'expired').length, first + second);
        assert.deepEqual(await balanceOf(harness, payer.id), {
          posted: '100000',
          held: '0',
          pending: '0',
          available: '100000',
          ledger: '100000',
          creditLimit: '0',
        });
      } finally {
        if (other !== harness.store) await other.close();
      }
      await harness.assertLedgerConsistent();
    });

    it('releases holds close to expiresAt with two running expiry workers (as in two server processes)', async () => {
      const payer = await wallet(harness, usd.id);
      await topup(harness, payer.id, '10000');
      const expiresAt = new Date(Date.now() + 3_000);
      const ids: string[] = [];
      for (let index = 0; index < 20; index++) {
        ids.push(
          expectStatus<Hold>(await harness.request('POST', '/v1/holds', { walletId: payer.id, amount: 10 + index, expiresAt: expiresAt.toISOString() }), 201)
            .id,
        );
      }
      const other = (await secondStore(harness)) ?? harness.store;
      const errors: unknown[] = [];
      const workers = [harness.store, other].map((store) =>
        startHoldExpiry(
          store,
          () => new Date(),
          (error) => errors.push(error),
          50,
        ),
      );
      try {
        const deadline = Date.now() + 15_000;
        while ((await balanceOf(harness, payer.id)).held !== '0' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
        if (other !== harness.store) await other.close();
      }
      assert.deepEqual(errors, []);
      const rows = await harness.store.database.query<{ status: string; entries: number; resolved_at: Date | string }>(
        `select t.status, t.resolved_at, (select count(*)::int from entries e where e.transaction_id = t.id) as entries from transactions t where t.id = any($1::uuid[])`,
        [ids],
      );
      for (const row of rows) {
        assert.equal(row.status, 'expired');
        assert.equal(row.entries, 4);
        assert.ok(new Date(row.resolved_at).getTime() >= expiresAt.getTime());
      }
      assert.equal((await balanceOf(harness, payer.id)).available, '10000');
      await harness.assertLedgerConsistent();
    });
  });
}
