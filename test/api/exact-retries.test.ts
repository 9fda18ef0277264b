/**
 * Retries are exact everywhere: the same externalId with another body is a conflict (409), with
 * the same body the first wallet; `main` needs a customer on create as on update; and every POST
 * that creates something (wallets, currencies, ISO imports, API keys, webhooks, cards) honours an
 * Idempotency-Key: the same key and body replay the first answer (`Idempotent-Replayed: true`),
 * another body is refused (422 idempotency_key_reused), and nothing is created twice. A secret
 * shown once (a new API key, a webhook's signing secret) is replayed only to the API key that
 * created it, and is not stored in clear in the idempotency record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

async function count(harness: Harness, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await harness.store.database.query<{ n: string }>(`select count(*)::text as n from ${sql}`, params);
  return Number(rows[0]?.n);
}

for (const backend of backends) {
  describe(`exact retries [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('answers 409 to the same externalId with another body, and the first wallet to the same body', async () => {
      const body = { currencyId: usd.id, externalId: 'crm-exact-1', customerId: 'c-1', name: 'Alice', metadata: { a: '1', b: '2' } };
      const first = expectStatus<{ id: string }>(await harness.request('POST', '/v1/wallets', body), 201);
      // Keys in another order are the same body.
      const again = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/wallets', {
          metadata: { b: '2', a: '1' },
          name: 'Alice',
          customerId: 'c-1',
          externalId: 'crm-exact-1',
          currencyId: usd.id,
        }),
        200,
      );
      assert.equal(again.id, first.id);
      for (const changed of [{ name: 'Alice B' }, { alias: 'x' }, { program: 'p' }, { metadata: { a: '1' } }, { main: true }, { creditLimit: '100' }]) {
        const problem = expectProblem(await harness.request('POST', '/v1/wallets', { ...body, ...changed }), 409, 'external_id_conflict');
        assert.match(String(problem.detail), /same body/);
      }
      assert.equal(await count(harness, `wallets where external_id = 'crm-exact-1'`), 1);
      const stored = expectStatus<{ name: string }>(await harness.request('GET', `/v1/wallets/${first.id}`), 200);
      assert.equal(stored.name, 'Alice', 'a refused retry changes nothing');
    });

    it('refuses main: true without a customer on create, as on update', async () => {
      const before = await count(harness, 'wallets');
      const problem = expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: usd.id, main: true }), 400, 'validation_failed');
      assert.deepEqual(problem.errors, [{ field: 'main', message: 'needs customerId' }]);
      assert.equal(await count(harness, 'wallets'), before);
      const plain = await wallet(harness, usd.id);
      expectProblem(await harness.request('PATCH', `/v1/wallets/${plain.id}`, { main: true }), 400, 'validation_failed');
      await wallet(harness, usd.id, { main: true, customerId: 'c-main' });
    });

    const creations: readonly { name: string; url: () => string; body: () => Record<string, unknown>; other: () => Record<string, unknown>; table: string }[] =
      [
        {
          name: 'a wallet',
          url: () => '/v1/wallets',
          body: () => ({ currencyId: usd.id, name: 'k' }),
          other: () => ({ currencyId: usd.id, name: 'l' }),
          table: 'wallets',
        },
        {
          name: 'a currency',
          url: () => '/v1/currencies',
          body: () => ({ code: 'PTS', name: 'Points', fraction: 1, assetType: 'points' }),
          other: () => ({ code: 'PTS', name: 'Other points', fraction: 1, assetType: 'points' }),
          table: 'currencies',
        },
        {
          name: 'a webhook',
          url: () => '/v1/webhooks',
          body: () => ({ url: 'http://127.0.0.1:9/hook' }),
          other: () => ({ url: 'http://127.0.0.1:9/other' }),
          table: 'webhook_endpoints',
        },
        {
          name: 'an API key',
          url: () => '/v1/api-keys',
          body: () => ({ role: 'merchant', merchantId: 'm-k' }),
          other: () => ({ role: 'admin' }),
          table: 'api_keys',
        },
      ];
    for (const creation of creations) {
      it(`creates ${creation.name} once per Idempotency-Key, replays it, and refuses the key with another body`, async () => {
        const headers = { 'idempotency-key': `create-${creation.table}` };
        const before = await count(harness, creation.table);
        const first = await harness.request('POST', creation.url(), creation.body(), { headers });
        const created = expectStatus<Record<string, unknown>>(first, 201);
        assert.equal(first.headers['idempotent-replayed'], undefined);
        const replay = await harness.request('POST', creation.url(), creation.body(), { headers });
        assert.equal(replay.statusCode, 201);
        assert.equal(replay.headers['idempotent-replayed'], 'true');
        assert.deepEqual(JSON.parse(replay.body), created);
        expectProblem(await harness.request('POST', creation.url(), creation.other(), { headers }), 422, 'idempotency_key_reused');
        assert.equal(await count(harness, creation.table), before + 1);
      });
    }

    it('imports an ISO currency once per Idempotency-Key (the key replays the 201, another code is refused)', async () => {
      const headers = { 'idempotency-key': 'iso-chf' };
      const first = expectStatus<{ id: string }>(await harness.request('POST', '/v1/currencies/iso/CHF', undefined, { headers }), 201);
      const replay = await harness.request('POST', '/v1/currencies/iso/CHF', undefined, { headers });
      assert.equal(replay.statusCode, 201);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(JSON.parse(replay.body).id, first.id);
      expectProblem(await harness.request('POST', '/v1/currencies/iso/JPY', undefined, { headers }), 422, 'idempotency_key_reused');
      assert.equal(await count(harness, `currencies where code = 'CHF'`), 1);
      assert.equal(await count(harness, `currencies where code = 'JPY'`), 0);
    });

    it('issues a card once per Idempotency-Key', async () => {
      const holder = await wallet(harness, usd.id, { customerId: 'card-holder' });
      const headers = { 'idempotency-key': 'card-1' };
      const first = expectStatus<{ id: string }>(await harness.request('POST', `/v1/wallets/${holder.id}/cards`, { kind: 'virtual' }, { headers }), 201);
      const replay = await harness.request('POST', `/v1/wallets/${holder.id}/cards`, { kind: 'virtual' }, { headers });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(JSON.parse(replay.body).id, first.id);
      assert.equal(await count(harness, 'cards where wallet_id = $1', [holder.id]), 1);
    });

    it('replays a secret shown once only to the API key that created it, and never stores it in clear', async () => {
      const headers = { 'idempotency-key': 'secret-key-1' };
      const body = { role: 'merchant', merchantId: 'm-secret' };
      const created = expectStatus<{ id: string; key: string }>(await harness.request('POST', '/v1/api-keys', body, { headers }), 201);
      const recorded = await harness.store.database.query<{ response: unknown }>('select response from idempotency_keys');
      assert.ok(
        recorded.every((row) => !JSON.stringify(row.response).includes(created.key)),
        'the secret is sealed in the record',
      );
      const replay = await harness.request('POST', '/v1/api-keys', body, { headers });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(JSON.parse(replay.body).key, created.key, 'the same caller gets its secret again');
      // Another admin key with the same Idempotency-Key makes a key of its own: it never sees the first secret.
      const otherAdmin = expectStatus<{ key: string }>(await harness.request('POST', '/v1/api-keys', { role: 'admin' }), 201).key;
      const other = expectStatus<{ id: string; key: string }>(await harness.request('POST', '/v1/api-keys', body, { headers, key: otherAdmin }), 201);
      assert.notEqual(other.id, created.id);
      assert.notEqual(other.key, created.key);
      // A webhook's signing secret likewise: a merchant key replays its own.
      const merchant = await harness.merchantKey('m-hooks');
      const hookHeaders = { 'idempotency-key': 'hook-1' };
      const hook = expectStatus<{ id: string; secret: string }>(
        await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/m' }, { headers: hookHeaders, key: merchant }),
        201,
      );
      const hookReplay = expectStatus<{ id: string; secret: string }>(
        await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/m' }, { headers: hookHeaders, key: merchant }),
        201,
      );
      assert.deepEqual([hookReplay.id, hookReplay.secret], [hook.id, hook.secret]);
      const secondMerchantKey = await harness.merchantKey('m-hooks');
      const separate = expectStatus<{ id: string; secret: string }>(
        await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/m' }, { headers: hookHeaders, key: secondMerchantKey }),
        201,
      );
      assert.notEqual(separate.secret, hook.secret);
    });

    it('keeps the ledger balanced through retried creations', async () => {
      const target = await wallet(harness, usd.id);
      await topup(harness, target.id, '500');
      await harness.assertLedgerConsistent();
      const trial = expectStatus<{ data: { posted: string; balanced: boolean }[] }>(await harness.request('GET', '/v1/reports/trial-balance'), 200);
      assert.ok(trial.data.every((currency) => currency.balanced && currency.posted === '0'));
    });
  });
}
