/**
 * The API-key cache (COFFER_API_KEY_CACHE_MS): a valid key is remembered for a moment, so a
 * request does not look it up every time. A revocation through the API takes effect at once in
 * the process that made it; one made elsewhere (another process: here, straight in the database)
 * takes effect once the remembered answer runs out, and never later.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { bootstrapAdminKey, generateApiKey } from '../../src/services/api-keys.js';
import { backends } from '../support/backends.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

const cacheMs = 600;

for (const backend of backends) {
  describe(`API-key cache [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend, { COFFER_API_KEY_CACHE_MS: String(cacheMs) });
    });
    after(() => harness.close());

    async function issue(merchantId: string): Promise<{ id: string; key: string }> {
      return expectStatus<{ id: string; key: string }>(await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId }), 201);
    }

    it('refuses a key revoked through the API at once, even while it is remembered', async () => {
      const issued = await issue('cache-a');
      expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key: issued.key }), 200);
      expectStatus(await harness.request('POST', `/v1/api-keys/${issued.id}/revoke`), 200);
      expectProblem(await harness.request('GET', '/v1/wallets', undefined, { key: issued.key }), 401, 'unauthorized');
    });

    it('refuses a key revoked by another process once the remembered answer runs out', async () => {
      const issued = await issue('cache-b');
      expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key: issued.key }), 200);
      const revokedAt = Date.now();
      await harness.store.database.query('update api_keys set revoked_at = now() where id = $1', [issued.id]);
      // Still remembered here (the revocation happened elsewhere)…
      const soon = await harness.request('GET', '/v1/wallets', undefined, { key: issued.key });
      if (Date.now() - revokedAt < cacheMs / 2) assert.equal(soon.statusCode, 200);
      // …but never for longer than the cache lifetime.
      await sleep(cacheMs + 50);
      expectProblem(await harness.request('GET', '/v1/wallets', undefined, { key: issued.key }), 401, 'unauthorized');
    });

    it('never remembers an unknown key: a key created by another process works at once', async () => {
      const key = generateApiKey();
      expectProblem(await harness.request('GET', '/v1/wallets', undefined, { key }), 401, 'unauthorized');
      await bootstrapAdminKey(harness.store, key, new Date());
      expectStatus(await harness.request('GET', '/v1/wallets', undefined, { key }), 200);
    });
  });
}

for (const backend of backends) {
  describe(`admin key bootstrap [${backend.name}]`, () => {
    it('admits the same COFFER_ADMIN_KEY from processes starting together: none fails, one row', async () => {
      const store = await backend.open();
      try {
        const key = generateApiKey();
        // What several servers do at once when they start with one configured key.
        const started = await Promise.allSettled(Array.from({ length: 8 }, () => bootstrapAdminKey(store, key, new Date())));
        assert.deepEqual(
          started.map((result) => result.status),
          Array.from({ length: 8 }, () => 'fulfilled'),
        );
        const rows = await store.database.query<{ n: number }>(`select count(*)::int as n from api_keys where name = 'COFFER_ADMIN_KEY'`);
        assert.equal(Number(rows[0]?.n), 1);
      } finally {
        await store.close();
      }
    });
  });
}
