/**
 * The access rules of issue 12 (PRODUCT §7, docs/security.md), each one a door that was open:
 * the issue scope (a merchant key granting itself credit), per-key rate limits (none by default),
 * the failed-authentication limit per client address, COFFER_ADMIN_KEY (length, rotation, what a
 * list shows), one id grammar, the security headers, body limits per route, and event streams
 * (capped per key, ended on revocation, idle without writing).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readConfig } from '../../src/config.js';
import { bootstrapAdminKey } from '../../src/services/api-keys.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

const amountMax = String(2n ** 63n - 1n);

for (const backend of backends) {
  describe(`access rules [${backend.name}]`, () => {
    let harness: Harness;
    let usd: string;
    before(async () => {
      harness = await startHarness(backend, { COFFER_AUTH_FAILURES_PER_MINUTE: '20' });
      usd = (await isoCurrency(harness, 'USD')).id;
    });
    after(() => harness.close());

    it('refuses a merchant key without the issue scope its own credit limit, top-ups and pending credits from issuing', async () => {
      const created = expectStatus<{ key: string; scopes: string[] }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-credit' }),
        201,
      );
      assert.deepEqual(created.scopes, ['read', 'write'], 'new merchant keys get read and write');
      const key = created.key;
      const mine = await wallet(harness, usd, { customerId: 'c-credit' }, key);
      const before = await ledgerSnapshot(harness.store);
      expectProblem(await harness.request('PATCH', `/v1/wallets/${mine.id}`, { creditLimit: amountMax }, { key }), 403, 'forbidden');
      expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: usd, creditLimit: amountMax }, { key }), 403, 'forbidden');
      expectProblem(await harness.request('POST', '/v1/topups', { walletId: mine.id, amount: '100' }, { key }), 403, 'forbidden');
      expectProblem(await harness.request('POST', '/v1/pending-credits', { walletId: mine.id, amount: '100' }, { key }), 403, 'forbidden');
      const batch = expectStatus<{ failed: number; results: { error?: { code: string } }[] }>(
        await harness.request('POST', '/v1/batches', { atomic: false, items: [{ kind: 'topup', walletId: mine.id, amount: '5' }] }, { key }),
        201,
      );
      assert.equal(batch.failed, 1);
      assert.equal(batch.results[0]?.error?.code, 'forbidden');
      expectProblem(
        await harness.request('POST', '/v1/batches', { atomic: true, items: [{ kind: 'topup', walletId: mine.id, amount: '5' }] }, { key }),
        422,
        'batch_item_failed',
      );
      assert.equal(await ledgerSnapshot(harness.store), before, 'nothing changed');
      // The withdrawal of money it never had is refused: no credit limit was granted.
      expectProblem(await harness.request('POST', '/v1/withdrawals', { walletId: mine.id, amount: '1000' }, { key }), 422, 'insufficient_funds');
      expectStatus(await harness.request('PATCH', `/v1/wallets/${mine.id}`, { name: 'still mine' }, { key }), 200);
      await harness.assertLedgerConsistent();
    });

    it('lets a key granted issue top up and set credit limits; admin keys have every scope', async () => {
      const granted = expectStatus<{ key: string; scopes: string[] }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-issuer', scopes: ['read', 'write', 'issue'] }),
        201,
      );
      const mine = await wallet(harness, usd, { creditLimit: '500' }, granted.key);
      await topup(harness, mine.id, '100', granted.key);
      expectStatus(await harness.request('PATCH', `/v1/wallets/${mine.id}`, { creditLimit: '50' }, { key: granted.key }), 200);
      const admin = expectStatus<{ scopes: string[] }>(await harness.request('POST', '/v1/api-keys', { role: 'admin' }), 201);
      assert.deepEqual(admin.scopes, ['read', 'write', 'issue']);
      await harness.assertLedgerConsistent();
    });

    it('never rate-limits a key by default, and limits one that has a rateLimitPerMinute (changeable)', async () => {
      const key = await harness.merchantKey('m-busy');
      const target = await wallet(harness, usd, {}, key);
      const statuses: number[] = [];
      for (let round = 0; round < 32; round++) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => harness.request('POST', '/v1/topups', { walletId: target.id, amount: '1' }, { key })),
        );
        statuses.push(...answers.map((answer) => answer.statusCode));
      }
      assert.deepEqual([...new Set(statuses)], [201], '320 top-ups in a minute from one key, none refused');

      const limited = expectStatus<{ id: string; key: string; rateLimitPerMinute: number }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-busy', rateLimitPerMinute: 3 }),
        201,
      );
      assert.equal(limited.rateLimitPerMinute, 3);
      for (let index = 0; index < 3; index++) expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key: limited.key }), 200);
      const refused = await harness.request('GET', '/v1/wallets', undefined, { key: limited.key });
      expectProblem(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60);
      expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key }), 200);
      const patched = expectStatus<{ rateLimitPerMinute: number | null }>(
        await harness.request('PATCH', `/v1/api-keys/${limited.id}`, { rateLimitPerMinute: null }),
        200,
      );
      assert.equal(patched.rateLimitPerMinute, null);
      expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key: limited.key }), 200);
      await harness.assertLedgerConsistent();
    });

    it('answers repeated failed authentications from one address 429, leaving other addresses alone', async () => {
      const call = (remoteAddress: string, key: string) =>
        harness.app.inject({ method: 'GET', url: '/v1/wallets', remoteAddress, headers: { authorization: `Bearer ${key}` } });
      for (let index = 0; index < 20; index++) expectProblem(await call('10.9.9.1', `coffer_sk_guess${index}`), 401, 'unauthorized');
      const refused = await call('10.9.9.1', 'coffer_sk_guess-more');
      expectProblem(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      // The key is not even looked up from that address for the rest of the window.
      expectProblem(await call('10.9.9.1', harness.adminKey), 429, 'rate_limited');
      expectStatus(await call('10.9.9.2', harness.adminKey), 200);
    });

    it('answers one id grammar: urn:uuid is a 400, upper case works on reads and on money routes alike', async () => {
      const key = await harness.merchantKey('m-ids');
      const from = await wallet(harness, usd, {}, key);
      const to = await wallet(harness, usd, {}, key);
      await topup(harness, from.id, '100', key);
      expectProblem(await harness.request('GET', `/v1/wallets/urn:uuid:${from.id}`, undefined, { key }), 400, 'validation_failed');
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: `urn:uuid:${from.id}`, toWalletId: to.id, amount: '1' }, { key }),
        400,
        'validation_failed',
      );
      expectProblem(await harness.request('GET', `/v1/wallets/{${from.id}}`, undefined, { key }), 400, 'validation_failed');
      const upper = expectStatus<{ id: string }>(await harness.request('GET', `/v1/wallets/${from.id.toUpperCase()}`, undefined, { key }), 200);
      assert.equal(upper.id, from.id);
      const moved = expectStatus<{ id: string; fromWalletId: string }>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: from.id.toUpperCase(), toWalletId: to.id.toUpperCase(), amount: '7' }, { key }),
        201,
      );
      assert.equal(moved.fromWalletId, from.id);
      expectStatus(await harness.request('POST', `/v1/transactions/${moved.id.toUpperCase()}/reverse`, {}, { key }), 201);
      expectStatus(await harness.request('GET', `/v1/transactions?walletId=${from.id.toUpperCase()}`, undefined, { key }), 200);
      await harness.assertLedgerConsistent();
    });

    it('sends Cache-Control: no-store and X-Content-Type-Options: nosniff on API answers, errors included', async () => {
      for (const answer of [
        await harness.request('GET', '/v1/wallets'),
        await harness.request('GET', '/v1/wallets', undefined, { key: null }),
        await harness.request('GET', '/healthz'),
      ]) {
        assert.equal(answer.headers['cache-control'], 'no-store');
        assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      }
      assert.equal((await harness.request('GET', '/docs/json', undefined, { key: null })).statusCode, 200, 'the docs still load');
    });

    it('limits bodies to 1 MiB, except batches', async () => {
      const padding = ' '.repeat(1024 * 1024 + 10);
      const big = `{"currencyId":"${usd}"${padding}}`;
      expectProblem(await harness.request('POST', '/v1/wallets', big), 413, 'body_too_large');
      const key = await harness.merchantKey('m-batch');
      const target = await wallet(harness, usd, {}, key);
      const batch = `{"atomic":true,"items":[{"kind":"topup","walletId":"${target.id}","amount":"1"}]${padding}}`;
      expectStatus(await harness.request('POST', '/v1/batches', batch, { key }), 201);
    });
  });

  describe(`COFFER_ADMIN_KEY [${backend.name}]`, () => {
    it('refuses a key shorter than 24 characters at start, with a clear message', () => {
      assert.throws(() => readConfig({ COFFER_ADMIN_KEY: 'short-admin-key' }), /COFFER_ADMIN_KEY must be 24/);
      assert.equal(readConfig({ COFFER_ADMIN_KEY: 'a-long-enough-admin-key-0001' }).adminKey, 'a-long-enough-admin-key-0001');
    });

    it('revokes the key an earlier value created, and lists no more than a short prefix of any key', async () => {
      const harness = await startHarness(backend);
      try {
        const first = 'operator-chosen-admin-key-000001';
        const second = 'operator-chosen-admin-key-000002';
        await bootstrapAdminKey(harness.store, first, new Date());
        expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key: first }), 200);
        expectProblem(await harness.request('GET', '/v1/wallets', undefined, { key: harness.adminKey }), 401, 'unauthorized');
        await bootstrapAdminKey(harness.store, second, new Date());
        expectProblem(await harness.request('GET', '/v1/wallets', undefined, { key: first }), 401, 'unauthorized');
        const list = await harness.request('GET', '/v1/api-keys', undefined, { key: second });
        const keys = expectStatus<{ data: { prefix: string; last4: string; revokedAt: string | null }[] }>(list, 200).data;
        assert.equal(keys.filter((key) => key.revokedAt === null).length, 1);
        for (const key of keys) assert.ok(key.prefix.length <= 14, key.prefix);
        for (const secret of [first, second, harness.adminKey.slice('coffer_sk_'.length)]) {
          for (let start = 0; start + 8 <= secret.length; start++)
            assert.ok(!list.body.includes(secret.slice(start, start + 8)), 'no 8 characters of a key in the list');
        }
        await assert.rejects(bootstrapAdminKey(harness.store, first, new Date()), /revoked/);
      } finally {
        await harness.close();
      }
    });
  });

  describe(`event streams [${backend.name}]`, () => {
    let harness: Harness;
    let port: number;
    before(async () => {
      harness = await startHarness(backend);
      await harness.app.listen({ port: 0, host: '127.0.0.1' });
      port = (harness.app.server.address() as AddressInfo).port;
    });
    after(() => harness.close());

    const open = (key: string, controller: AbortController) =>
      fetch(`http://127.0.0.1:${port}/v1/events/stream`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });

    it('caps open streams per key (429 past it) and ends them within seconds of a revocation', async () => {
      const issued = expectStatus<{ id: string; key: string }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-stream' }),
        201,
      );
      const controller = new AbortController();
      const streams = [];
      for (let index = 0; index < 5; index++) {
        const response = await open(issued.key, controller);
        assert.equal(response.status, 200);
        streams.push(response);
      }
      const sixth = await open(issued.key, controller);
      assert.equal(sixth.status, 429);
      assert.equal((await sixth.json()).code, 'rate_limited');
      const other = await open(harness.adminKey, controller);
      assert.equal(other.status, 200, 'another key has its own budget');
      const started = Date.now();
      expectStatus(await harness.request('POST', `/v1/api-keys/${issued.id}/revoke`), 200);
      await Promise.all(streams.map((response) => response.text()));
      assert.ok(Date.now() - started < 5_000, `streams ended ${Date.now() - started} ms after the revocation`);
      controller.abort();
    });

    it('polls an idle stream without opening a write transaction', async () => {
      const controller = new AbortController();
      const response = await open(harness.adminKey, controller);
      assert.equal(response.status, 200);
      await sleep(300);
      const store = harness.store as { transaction: (...args: unknown[]) => unknown };
      const original = store.transaction;
      let transactions = 0;
      store.transaction = (...args: unknown[]) => {
        transactions++;
        return (original as (...args: unknown[]) => unknown).apply(harness.store, args);
      };
      try {
        await sleep(1_200);
      } finally {
        store.transaction = original;
        controller.abort();
      }
      assert.equal(transactions, 0, 'an idle stream takes no lock on event_feed');
    });
  });
}
