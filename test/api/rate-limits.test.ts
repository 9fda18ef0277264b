/**
 * Per-key rate limits: each API key has its own budget, money-moving routes a separate and
 * stricter one, the answer past it is a 429 problem+json with Retry-After that changes nothing,
 * the unauthenticated operations routes are never limited, and a limit of 0 turns it off.
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
      harness = await startHarness(backend, { COFFER_RATE_LIMIT_PER_MINUTE: '8', COFFER_RATE_LIMIT_MONEY_PER_MINUTE: '3' });
    });
    after(() => harness.close());

    it('limits money-moving requests per key more strictly, with a 429 problem and Retry-After, changing nothing', async () => {
      const usd = await isoCurrency(harness, 'USD');
      const key = await harness.merchantKey('m-a');
      const target = await wallet(harness, usd.id, {}, key);
      for (let index = 0; index < 3; index++) expectStatus(await harness.request('POST', '/v1/topups', { walletId: target.id, amount: '1' }, { key }), 201);
      const before = await ledgerSnapshot(harness.store);
      const refused = await harness.request('POST', '/v1/topups', { walletId: target.id, amount: '1' }, { key });
      expectProblem(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60, String(refused.headers['retry-after']));
      assert.equal(await ledgerSnapshot(harness.store), before);
      expectStatus(await harness.request('GET', `/v1/wallets/${target.id}`, undefined, { key }), 200);
      const other = await harness.merchantKey('m-b');
      const theirs = await wallet(harness, usd.id, {}, other);
      expectStatus(await harness.request('POST', '/v1/topups', { walletId: theirs.id, amount: '1' }, { key: other }), 201);
    });

    it('limits every request of a key, but never the operations routes', async () => {
      const key = await harness.merchantKey('m-c', ['read']);
      for (let index = 0; index < 8; index++) expectStatus(await harness.request('GET', '/v1/currencies', undefined, { key }), 200);
      expectProblem(await harness.request('GET', '/v1/currencies', undefined, { key }), 429, 'rate_limited');
      for (let index = 0; index < 20; index++) expectStatus(await harness.request('GET', '/healthz', undefined, { key: null }), 200);
    });
  });

  describe(`rate limits off [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend, { COFFER_RATE_LIMIT_PER_MINUTE: '0', COFFER_RATE_LIMIT_MONEY_PER_MINUTE: '0' });
    });
    after(() => harness.close());

    it('lets everything through when both limits are 0', async () => {
      for (let index = 0; index < 30; index++) expectStatus(await harness.request('GET', '/v1/currencies'), 200);
    });
  });
}
