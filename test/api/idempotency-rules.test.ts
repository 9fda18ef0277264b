/**
 * Issue 12.16 and 13.4: an Idempotency-Key is never refused for its content (keys are stored
 * hashed); the fingerprint ignores JSON key order; a claim left by a dead process is taken over
 * within seconds; a creditLimit is never lowered below a wallet's debt; a balance read with ?at=
 * never changes afterwards.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { limits } from '../../src/domain/limits.js';
import { checkIdempotencyKey, requestHash, retryAfterSeconds } from '../../src/services/idempotency.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((array) => Buffer.from(array).toString('hex'));
/** Key shapes load generators and SDKs produce; each was refused now and then as a "card number". */
const keyShapes = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999_999_999 }))
    .map(([a, b, c]) => `wrk-${a}-${b}-${c}`),
  hex(32),
  hex(16),
  fc.constant(null).map(() => randomUUID().replaceAll('-', '')),
  fc.stringMatching(/^[\x21-\x7e]{1,255}$/),
);

describe('Idempotency-Key content (unit)', () => {
  it('accepts every printable-ASCII key of 1 to 255 characters, whatever it reads like', () => {
    fc.assert(
      fc.property(keyShapes, (key) => {
        checkIdempotencyKey(key);
      }),
      { numRuns: 20_000 },
    );
  });

  it('still refuses empty, too long and non-printable keys', () => {
    for (const key of ['', 'x'.repeat(limits.idempotencyKeyLengthMax + 1), 'a b', 'tab\tkey', 'é'])
      assert.throws(() => checkIdempotencyKey(key), /idempotency_key_invalid|Idempotency/);
  });

  it('computes Retry-After for a key in flight: whole seconds until the lease ends, rounded up, at least 1', () => {
    const now = new Date('2026-11-30T00:00:00.000Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    assert.equal(retryAfterSeconds(at(2_001), now), 3);
    assert.equal(retryAfterSeconds(at(3_000), now), 3);
    assert.equal(retryAfterSeconds(at(10), now), 1);
    // A lease already over (the holder died; this very claim statement lost a race): still at least 1.
    assert.equal(retryAfterSeconds(at(-5_000), now), 1);
    // Unknown (the holder is a copy in the same statement): a fresh claim's lease.
    assert.equal(retryAfterSeconds(null, now), Math.ceil(limits.idempotencyInFlightTimeoutMs / 1000));
  });

  it('fingerprints canonical JSON: the order of keys does not matter, values do', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())), (body) => {
        const reversed = Object.fromEntries(Object.entries(body).reverse());
        assert.equal(requestHash(['POST', '/v1/transfers', {}, body]), requestHash(['POST', '/v1/transfers', {}, reversed]));
      }),
    );
    assert.notEqual(requestHash(['POST', '/x', {}, { a: '1' }]), requestHash(['POST', '/x', {}, { a: '2' }]));
  });
});

for (const backend of backends) {
  describe(`idempotency and ledger rules [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let from: WalletRecord;
    let to: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      from = await wallet(harness, usd.id);
      to = await wallet(harness, usd.id);
      await topup(harness, from.id, '1000000');
    });
    after(() => harness.close());

    const transfer = (key: string, body: Record<string, unknown> = { fromWalletId: from.id, toWalletId: to.id, amount: '1' }) =>
      harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': key } });

    it('refuses none of thousands of generated keys (wrk-style, SHA-256 hex, dash-less UUIDs), and replays each', async () => {
      const keys = fc.sample(keyShapes, 1500);
      keys.push('wrk-123456789-5-987654321');
      const unique = [...new Set(keys)];
      for (let start = 0; start < unique.length; start += 50) {
        const answers = await Promise.all(unique.slice(start, start + 50).map((key) => transfer(key)));
        for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body);
      }
      for (const key of unique.slice(0, 20)) assert.equal((await transfer(key)).headers['idempotent-replayed'], 'true');
      await harness.assertLedgerConsistent();
    });

    it('treats the same body with its keys in another order as the same request', async () => {
      const first = expectStatus<{ id: string }>(await transfer('order-1', { fromWalletId: from.id, toWalletId: to.id, amount: '3' }), 201);
      const replay = await harness.request('POST', '/v1/transfers', `{"amount":"3","toWalletId":"${to.id}","fromWalletId":"${from.id}"}`, {
        headers: { 'idempotency-key': 'order-1', 'content-type': 'application/json' },
      });
      assert.equal(replay.statusCode, 201);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(JSON.parse(replay.body).id, first.id);
    });

    const bodyOf = () => ({ fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    const hashOf = () => requestHash(['POST', '/v1/transfers', {}, bodyOf()]);

    it('lets a retry take over a key claimed by a dead process once its lease ended (seconds, not a minute)', async () => {
      const scope = '_admin';
      const crashedAt = new Date(Date.now() - limits.idempotencyInFlightTimeoutMs - 100);
      // What a killed server leaves: a claim whose lease nobody renews.
      await harness.store.read.claimIdempotencyKey(
        scope,
        'crashed-1',
        hashOf(),
        crashedAt,
        new Date(Date.now() + 3_600_000),
        new Date(crashedAt.getTime() + limits.idempotencyInFlightTimeoutMs),
      );
      assert.ok(limits.idempotencyInFlightTimeoutMs <= 5_000);
      expectStatus(await transfer('crashed-1'), 201);
      // A live claim (its lease still running) is still answered 409.
      const now = new Date();
      await harness.store.read.claimIdempotencyKey(
        scope,
        'alive-1',
        hashOf(),
        now,
        new Date(Date.now() + 3_600_000),
        new Date(now.getTime() + limits.idempotencyInFlightTimeoutMs),
      );
      expectProblem(await transfer('alive-1'), 409, 'request_in_progress');
    });

    it('renews the lease of a claim while its request runs', async () => {
      const scope = '_admin';
      const claimedAt = new Date();
      await harness.store.read.claimIdempotencyKey(
        scope,
        'renewed-1',
        hashOf(),
        claimedAt,
        new Date(Date.now() + 3_600_000),
        new Date(claimedAt.getTime() + 10),
      );
      await harness.store.read.renewIdempotencyLeases([{ scope, key: 'renewed-1', claimedAt }], new Date(Date.now() + 60_000));
      expectProblem(await transfer('renewed-1'), 409, 'request_in_progress');
      // Another claim time (a request that lost the key) renews nothing.
      await harness.store.read.renewIdempotencyLeases(
        [{ scope, key: 'renewed-1', claimedAt: new Date(claimedAt.getTime() + 1) }],
        new Date(Date.now() + 120_000),
      );
      const rows = await harness.store.database.query<{ lease_until: Date | string }>(
        'select lease_until from idempotency_keys where scope = $1 and request_hash = $2',
        [scope, hashOf()],
      );
      assert.ok(rows.every((row) => new Date(row.lease_until).getTime() < Date.now() + 90_000));
    });

    it('replays a finished key to every copy of a batch of concurrent replays, never 409 (chaos seed 76549)', async () => {
      const first = expectStatus<{ id: string }>(await transfer('finished-1'), 201);
      // Many replays at once: the claim coalescer puts several copies of the key in one statement.
      const answers = await Promise.all(Array.from({ length: 40 }, () => transfer('finished-1')));
      for (const answer of answers) {
        assert.equal(answer.statusCode, 201, answer.body);
        assert.equal(answer.headers['idempotent-replayed'], 'true');
        assert.equal(JSON.parse(answer.body).id, first.id);
      }
      // The same in one statement, deterministically: two copies of a finished key, then a fresh key twice.
      const scope = '_admin';
      const now = new Date();
      const request = (key: string) => ({
        scope,
        key,
        requestHash: hashOf(),
        now,
        expiresAt: new Date(now.getTime() + 3_600_000),
        leaseUntil: new Date(now.getTime() + limits.idempotencyInFlightTimeoutMs),
      });
      const claims = await harness.store.read.claimIdempotencyKeys([request('finished-1'), request('finished-1'), request('fresh-1'), request('fresh-1')]);
      assert.deepEqual(
        claims.map((claim) => claim.state),
        ['done', 'done', 'claimed', 'in_flight'],
      );
      const [, again, , duplicate] = claims;
      assert.ok(again?.state === 'done' && again.statusCode === 201);
      assert.ok(duplicate?.state === 'in_flight' && duplicate.leaseUntil?.getTime() === now.getTime() + limits.idempotencyInFlightTimeoutMs);
      await harness.assertLedgerConsistent();
    });

    it('answers 409 request_in_progress with Retry-After: the seconds until the lease can end, at least 1', async () => {
      const scope = '_admin';
      const at = new Date();
      const claimWithLease = (key: string, leaseMs: number) =>
        harness.store.read.claimIdempotencyKey(scope, key, hashOf(), at, new Date(at.getTime() + 3_600_000), new Date(Date.now() + leaseMs));
      await claimWithLease('lease-long', 42_500);
      const long = await transfer('lease-long');
      expectProblem(long, 409, 'request_in_progress');
      const seconds = Number(long.headers['retry-after']);
      assert.ok(seconds >= 42 && seconds <= 43, `Retry-After ${String(long.headers['retry-after'])}`);
      await claimWithLease('lease-short', 400);
      const short = await transfer('lease-short');
      expectProblem(short, 409, 'request_in_progress');
      assert.equal(short.headers['retry-after'], '1');
      // After that wait the claim (its holder never renewed it: a dead process) is taken over and the request runs.
      await new Promise((resolve) => setTimeout(resolve, Number(short.headers['retry-after']) * 1000));
      expectStatus(await transfer('lease-short'), 201);
      // A different request under a running key is still "reused", with no Retry-After (retrying cannot help).
      const reused = await transfer('lease-long', { fromWalletId: from.id, toWalletId: to.id, amount: '2' });
      expectProblem(reused, 422, 'idempotency_key_reused');
      assert.equal(reused.headers['retry-after'], undefined);
      await harness.assertLedgerConsistent();
    });

    it('refuses to lower a creditLimit below what the wallet owes (422 credit_limit_below_debt), and allows it down to the debt', async () => {
      const debtor = await wallet(harness, usd.id);
      expectStatus(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '100' }), 200);
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: debtor.id, toWalletId: to.id, amount: '60' }), 201);
      expectProblem(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '59' }), 422, 'credit_limit_below_debt');
      expectProblem(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '0' }), 422, 'credit_limit_below_debt');
      expectStatus(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '60' }), 200);
      expectStatus(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '500' }), 200);
      // A hold counts as owed too (available = posted − held).
      expectStatus(await harness.request('POST', '/v1/holds', { walletId: debtor.id, amount: '40' }), 201);
      expectProblem(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '99' }), 422, 'credit_limit_below_debt');
      expectStatus(await harness.request('PATCH', `/v1/wallets/${debtor.id}`, { creditLimit: '100' }), 200);
      await harness.assertLedgerConsistent();
    });

    it('stamps entries in commit order: a balance read with ?at= never changes afterwards', async () => {
      const a = await wallet(harness, usd.id);
      await topup(harness, a.id, '100000');
      const reads: { at: string; posted: string }[] = [];
      const writes = Array.from({ length: 60 }, (_, index) =>
        harness.request('POST', '/v1/transfers', { fromWalletId: a.id, toWalletId: to.id, amount: String(index + 1) }),
      );
      const reading = (async () => {
        for (let i = 0; i < 15; i++) {
          const at = new Date().toISOString();
          const answer = expectStatus<{ balance: { posted: string } }>(
            await harness.request('GET', `/v1/wallets/${a.id}/balance?at=${encodeURIComponent(at)}`),
            200,
          );
          reads.push({ at, posted: answer.balance.posted });
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      await Promise.all([...writes, reading]);
      for (const read of reads) {
        const again = expectStatus<{ balance: { posted: string } }>(
          await harness.request('GET', `/v1/wallets/${a.id}/balance?at=${encodeURIComponent(read.at)}`),
          200,
        );
        assert.equal(again.balance.posted, read.posted, `balance at ${read.at}`);
      }
      // Entries' stamps follow the journal's (commit) order.
      const rows = await harness.store.database.query<{ created_at: Date | string }>(
        `select e.created_at from journal j join entries e on e.transaction_id = j.transaction_id where e.wallet_id = $1 order by j.seq, e.id`,
        [a.id],
      );
      for (let i = 1; i < rows.length; i++)
        assert.ok(new Date((rows[i] as { created_at: Date }).created_at) >= new Date((rows[i - 1] as { created_at: Date }).created_at));
      assert.equal((await balanceOf(harness, a.id)).posted, String(100000 - (60 * 61) / 2));
      await harness.assertLedgerConsistent();
    });
  });
}
