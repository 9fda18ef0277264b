/**
 * Statements and reports: entries newest first with the balance after each, balances at a past
 * instant recomputed from the entries, the trial balance per currency summing to zero, and
 * `verify` catching counters that were changed behind the ledger's back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { verifyLedger } from '../../src/services/verify.js';
import { openStore } from '../../src/store/connect.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

const run = promisify(execFile);

for (const backend of backends) {
  describe(`statements and reports [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    let bob: WalletRecord;
    let middle: Date;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      alice = await wallet(harness, usd.id);
      bob = await wallet(harness, usd.id);
      await topup(harness, alice.id, '1000');
      await new Promise((resolve) => setTimeout(resolve, 20));
      middle = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '300' }), 201);
      expectStatus(await harness.request('POST', '/v1/withdrawals', { walletId: alice.id, amount: '200' }), 201);
    });
    after(() => harness.close());

    it('lists entries newest first, each with kind, direction and the balance after it, across pages', async () => {
      const first = expectStatus<{ data: { kind: string; direction: string; amount: string; balanceAfter: string }[]; nextCursor: string }>(
        await harness.request('GET', `/v1/wallets/${alice.id}/entries?limit=2`),
        200,
      );
      assert.deepEqual(
        first.data.map((e) => [e.kind, e.direction, e.amount, e.balanceAfter]),
        [
          ['withdrawal', 'debit', '200', '500'],
          ['transfer', 'debit', '300', '700'],
        ],
      );
      const second = expectStatus<{ data: { kind: string; balanceAfter: string }[]; nextCursor: string | null }>(
        await harness.request('GET', `/v1/wallets/${alice.id}/entries?limit=2&cursor=${first.nextCursor}`),
        200,
      );
      assert.deepEqual(
        second.data.map((e) => [e.kind, e.balanceAfter]),
        [['topup', '1000']],
      );
      assert.equal(second.nextCursor, null);
      expectProblem(await harness.request('GET', `/v1/wallets/${alice.id}/entries?cursor=%%%`), 400, 'validation_failed');
    });

    it('reads a balance at a past instant from the entries', async () => {
      const then = expectStatus<{ balance: { posted: string } }>(
        await harness.request('GET', `/v1/wallets/${alice.id}/balance?at=${middle.toISOString()}`),
        200,
      );
      assert.equal(then.balance.posted, '1000');
      const now = expectStatus<{ balance: { posted: string; available: string } }>(await harness.request('GET', `/v1/wallets/${alice.id}/balance`), 200);
      assert.equal(now.balance.posted, '500');
      const before = expectStatus<{ balance: { posted: string } }>(
        await harness.request('GET', `/v1/wallets/${alice.id}/balance?at=2000-01-01T00:00:00Z`),
        200,
      );
      assert.equal(before.balance.posted, '0');
      expectProblem(await harness.request('GET', `/v1/wallets/${alice.id}/balance?at=yesterday`), 400, 'validation_failed');
    });

    it('shows a trial balance per currency that sums to zero, for admins only', async () => {
      const report = expectStatus<{ data: { currencyId: string; posted: string; balanced: boolean; lines: { type: string; posted: string }[] }[] }>(
        await harness.request('GET', '/v1/reports/trial-balance'),
        200,
      );
      const line = report.data.find((entry) => entry.currencyId === usd.id);
      assert.ok(line !== undefined);
      assert.equal(line.posted, '0');
      assert.equal(line.balanced, true);
      assert.equal(line.lines.find((l) => l.type === 'issuing')?.posted, '-1000');
      assert.equal(line.lines.find((l) => l.type === 'settlement')?.posted, '200');
      expectProblem(await harness.request('GET', '/v1/reports/trial-balance', undefined, { key: await harness.merchantKey('m') }), 403, 'forbidden');
    });

    it('verify passes on a consistent ledger and names a wallet whose counters were tampered with', async () => {
      assert.equal((await verifyLedger(harness.store)).ok, true);
      await harness.store.database.query('update wallets set credits_posted = credits_posted + 1 where id = $1', [bob.id]);
      const report = await verifyLedger(harness.store);
      assert.equal(report.ok, false);
      assert.match(report.firstDiscrepancy ?? '', new RegExp(bob.id));
      await harness.store.database.query('update wallets set credits_posted = credits_posted - 1 where id = $1', [bob.id]);
      await harness.store.database.query(`update entries set amount = amount + 1 where wallet_id = $1 and direction = 'credit'`, [bob.id]);
      assert.equal((await verifyLedger(harness.store)).ok, false);
      await harness.store.database.query(`update entries set amount = amount - 1 where wallet_id = $1 and direction = 'credit'`, [bob.id]);
      assert.equal((await verifyLedger(harness.store)).ok, true);
    });
  });
}

describe('coffer verify (command line)', () => {
  it('exits 0 on a consistent embedded database and 1 with the discrepancy after tampering', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-verify-'));
    const store = await openStore({ dataDir });
    await store.database.query(
      `insert into currencies (id, code, name, fraction, asset_type, created_at, updated_at) values (gen_random_uuid(), 'X', 'x', 1, 'points', now(), now())`,
    );
    await store.close();
    const env = { ...process.env, COFFER_DATA_DIR: dataDir, DATABASE_URL: '' };
    const ok = await run('npx', ['tsx', 'src/cli/main.ts', 'verify'], { env });
    assert.match(ok.stdout, /^ok:/);
    const tampered = await openStore({ dataDir });
    await tampered.database.query(
      `insert into wallets (id, serial, currency_id, category, type, credits_posted, created_at, updated_at)
       select gen_random_uuid(), 'T1', id, 'client', 'client', 5, now(), now() from currencies limit 1`,
    );
    await tampered.close();
    await assert.rejects(run('npx', ['tsx', 'src/cli/main.ts', 'verify'], { env }), (error: { code: number; stdout: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stdout, /DISCREPANCY: wallet/);
      return true;
    });
  });
});
