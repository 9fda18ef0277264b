/**
 * Rate limits are per API key (PRODUCT §7): none unless the key has a `rateLimitPerMinute`; past
 * it, a 429 problem+json with Retry-After that changes nothing; other keys and the unauthenticated
 * operations routes are never affected. (The issue-12 checks of the defaults are in access-rules.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { isoCurrency, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`rate limits [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    it('limits a key to its own rateLimitPerMinute, with a 429 problem and Retry-After, changing nothing; other keys and /healthz go on', async () => {
      const usd = await isoCurrency(harness, 'USD');
      const created = expectStatus<{ key: string }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-a', scopes: ['read', 'write', 'issue'], rateLimitPerMinute: 4 }),
        201,
      );
      const key = created.key;
      const target = await wallet(harness, usd.id, {}, key);
      for (let index = 0; index < 3; index++) expectStatus(await harness.request('POST', '/v1/topups', { walletId: target.id, amount: '1' }, { key }), 201);
      const before = await ledgerSnapshot(harness.store);
      const refused = await harness.request('POST', '/v1/topups', { walletId: target.id, amount: '1' }, { key });
      expectProblem(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60, String(refused.headers['retry-after']));
      assert.equal(await ledgerSnapshot(harness.store), before);
      const other = await harness.merchantKey('m-b');
      const theirs = await wallet(harness, usd.id, {}, other);
      expectStatus(await harness.request('POST', '/v1/topups', { walletId: theirs.id, amount: '1' }, { key: other }), 201);
      for (let index = 0; index < 20; index++) expectStatus(await harness.request('GET', '/healthz', undefined, { key: null }), 200);
      await harness.assertLedgerConsistent();
    });

    it('lets everything through for a key without a limit', async () => {
      for (let index = 0; index < 50; index++) expectStatus(await harness.request('GET', '/v1/currencies'), 200);
    });
  });
}
