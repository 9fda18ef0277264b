/**
 * Idempotency as PRODUCT §5 states it: a replay returns the first status and body with
 * Idempotent-Replayed, a changed body is refused, parallel duplicates move money once, keys are
 * scoped per merchant, a failed request leaves no key behind, and expired keys are cleaned up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanIdempotencyKeys } from '../../src/services/idempotency.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`idempotency [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let from: WalletRecord;
    let to: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      from = await wallet(harness, usd.id);
      to = await wallet(harness, usd.id);
      await topup(harness, from.id, '100000');
    });
    after(() => harness.close());

    const transfer = (key: string, amount = '100', options: { key?: string } = {}) =>
      harness.request('POST', '/v1/transfers', { fromWalletId: from.id, toWalletId: to.id, amount }, { ...options, headers: { 'idempotency-key': key } });

    it('replays the first answer byte for byte, with Idempotent-Replayed: true', async () => {
      const first = await transfer('replay-1');
      assert.equal(first.statusCode, 201);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const snapshot = await ledgerSnapshot(harness.store);
      const second = await transfer('replay-1');
      assert.equal(second.statusCode, 201);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.equal(second.body, first.body);
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
    });

    it('refuses the same key with a different body (422 idempotency_key_reused)', async () => {
      await transfer('reuse-1', '100');
      const snapshot = await ledgerSnapshot(harness.store);
      expectProblem(await transfer('reuse-1', '101'), 422, 'idempotency_key_reused');
      expectProblem(
        await harness.request('POST', '/v1/topups', { walletId: to.id, amount: '100' }, { headers: { 'idempotency-key': 'reuse-1' } }),
        422,
        'idempotency_key_reused',
      );
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
    });

    it('moves money once when 12 requests with one key arrive together', async () => {
      const before = BigInt((await balanceOf(harness, to.id)).posted);
      const answers = await Promise.all(Array.from({ length: 12 }, () => transfer('parallel-1', '777')));
      const statuses = answers.map((answer) => answer.statusCode);
      assert.ok(
        statuses.every((status) => status === 201 || status === 409),
        `statuses: ${statuses.join(',')}`,
      );
      const firsts = answers.filter((answer) => answer.statusCode === 201 && answer.headers['idempotent-replayed'] === undefined);
      assert.equal(firsts.length, 1);
      for (const conflict of answers.filter((answer) => answer.statusCode === 409)) assert.equal(JSON.parse(conflict.body).code, 'request_in_progress');
      assert.equal(BigInt((await balanceOf(harness, to.id)).posted), before + 777n);
      const replay = await transfer('parallel-1', '777');
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body, firsts[0]?.body);
      await harness.assertLedgerConsistent();
    });

    it('scopes keys per merchant: the same key from two merchants is two requests', async () => {
      const shopA = await harness.merchantKey('shop-a');
      const shopB = await harness.merchantKey('shop-b');
      const walletA = await wallet(harness, usd.id, {}, shopA);
      const walletB = await wallet(harness, usd.id, {}, shopB);
      const a = await harness.request('POST', '/v1/topups', { walletId: walletA.id, amount: '5' }, { key: shopA, headers: { 'idempotency-key': 'shared' } });
      const b = await harness.request('POST', '/v1/topups', { walletId: walletB.id, amount: '5' }, { key: shopB, headers: { 'idempotency-key': 'shared' } });
      expectStatus(a, 201);
      expectStatus(b, 201);
      assert.notEqual(JSON.parse(a.body).id, JSON.parse(b.body).id);
    });

    it('records a business-rule refusal (422) under its key: a replay returns the first answer, even once the wallet could pay', async () => {
      const poor = await wallet(harness, usd.id);
      const snapshot = await ledgerSnapshot(harness.store);
      const body = { fromWalletId: poor.id, toWalletId: to.id, amount: '10' };
      const first = await harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': 'refused-once' } });
      expectProblem(first, 422, 'insufficient_funds');
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
      await topup(harness, poor.id, '10');
      const replay = await harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': 'refused-once' } });
      assert.equal(replay.statusCode, 422);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.match(String(replay.headers['content-type']), /application\/problem\+json/);
      assert.equal(replay.body, first.body);
      assert.equal((await balanceOf(harness, poor.id)).posted, '10', 'the replay moved nothing');
    });

    it('keeps no key for a conflict (409), so the client can retry with it', async () => {
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: from.id, amount: '5' }), 201);
      expectStatus(await harness.request('POST', `/v1/holds/${hold.id}/void`, {}), 200);
      const keysBefore = await harness.store.read.countIdempotencyKeys();
      expectProblem(
        await harness.request('POST', `/v1/holds/${hold.id}/void`, {}, { headers: { 'idempotency-key': 'conflict-409' } }),
        409,
        'hold_not_pending',
      );
      assert.equal(await harness.store.read.countIdempotencyKeys(), keysBefore);
    });

    it('keeps no key for a validation failure (400)', async () => {
      const keysBefore = await harness.store.read.countIdempotencyKeys();
      expectProblem(await transfer('bad-amount', 'abc'), 400, 'validation_failed');
      expectProblem(
        await harness.request(
          'POST',
          '/v1/transfers',
          { fromWalletId: from.id, toWalletId: to.id, amount: '1', extra: 1 },
          { headers: { 'idempotency-key': 'bad-field' } },
        ),
        400,
        'validation_failed',
      );
      assert.equal(await harness.store.read.countIdempotencyKeys(), keysBefore);
      expectStatus(await transfer('bad-amount', '1'), 201);
    });

    it('refuses malformed keys', async () => {
      expectProblem(await transfer('x'.repeat(256)), 400, 'idempotency_key_invalid');
      expectProblem(await transfer('has space'), 400, 'idempotency_key_invalid');
    });

    it('accepts keys that read like card numbers, for transfers and holds alike, and stores them only hashed', async () => {
      const hold = (key: string) => harness.request('POST', '/v1/holds', { walletId: from.id, amount: '5' }, { headers: { 'idempotency-key': key } });
      for (const key of ['4539578763621486', 'order-4539-5787-6362-1486', '4539578763621486-54839259-9214-4d98-8bee-1f73a4d732cf']) {
        // Transfers and holds alike: one posting pipeline, one way of recording the key.
        expectStatus(await transfer(key, '2'), 201);
        expectStatus(await hold(`h-${key}`), 201);
        assert.equal((await transfer(key, '2')).headers['idempotent-replayed'], 'true');
      }
      const stored = await harness.store.database.query<{ key: string }>('select key from idempotency_keys');
      assert.ok(stored.length > 0 && stored.every((row) => /^[0-9a-f]{64}$/.test(row.key)), 'keys are stored as SHA-256 digests');
      assert.ok(!stored.some((row) => row.key.includes('4539578763621486')));
    });

    it('accepts and replays UUID keys whose digit groups read like a card number', async () => {
      // Each was refused as a card number before UUIDs were told apart (about one UUID in 900).
      for (const key of ['54839259-9214-4d98-8bee-1f73a4d732cf', '7E82F512-0085-4533-80E1-B0AA5A58CFDF']) {
        const first = expectStatus<{ id: string }>(await transfer(key, '3'), 201);
        const replay = await transfer(key, '3');
        assert.equal(replay.headers['idempotent-replayed'], 'true');
        assert.equal(JSON.parse(replay.body).id, first.id);
      }
    });

    it('cleans up keys after their lifetime, not before', async () => {
      await transfer('old-key');
      const count = await harness.store.read.countIdempotencyKeys();
      assert.equal(await cleanIdempotencyKeys(harness.context), 0);
      const later = { ...harness.context, clock: () => new Date(Date.now() + 25 * 3_600_000) };
      assert.equal(await cleanIdempotencyKeys(later), count);
      assert.equal(await harness.store.read.countIdempotencyKeys(), 0);
    });
  });
}
