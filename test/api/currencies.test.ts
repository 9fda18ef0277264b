/**
 * Currencies and the foundation's contract: creating real (ISO 4217) and custom currencies,
 * their system accounts, and every kind of bad input answered with a 4xx problem+json that
 * changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`currencies [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    const currencyCount = async () => Number((await harness.store.database.query<{ n: number }>('select count(*)::int as n from currencies'))[0]?.n);

    it('adds USD from the ISO table and a custom points currency with the same code', async () => {
      const usd = expectStatus<Record<string, unknown>>(await harness.request('POST', '/v1/currencies/iso/USD'), 201);
      assert.equal(usd.code, 'USD');
      assert.equal(usd.fraction, 100);
      assert.equal(usd.numericCode, '840');
      assert.equal(usd.name, 'US Dollar');
      assert.equal(usd.assetType, 'fiat');
      const points = expectStatus<Record<string, unknown>>(
        await harness.request('POST', '/v1/currencies', { code: 'USD', name: 'USD loyalty points', fraction: 1, assetType: 'points' }),
        201,
      );
      assert.notEqual(points.id, usd.id);
      const listed = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', '/v1/currencies?code=USD'), 200);
      assert.deepEqual(new Set(listed.data.map((c) => c.id)), new Set([usd.id, points.id]));

      for (const currency of [usd, points]) {
        const system = expectStatus<{ data: { type: string; category: string; accounting: boolean }[] }>(
          await harness.request('GET', `/v1/wallets?currencyId=${String(currency.id)}&category=system`),
          200,
        );
        assert.deepEqual(system.data.map((w) => w.type).sort(), ['fees', 'fx', 'issuing', 'settlement']);
        assert.ok(system.data.every((w) => w.category === 'system' && w.accounting));
      }
    });

    it('takes fractions from the ISO minor-unit digits (JPY 1, BHD 1000)', async () => {
      assert.equal(expectStatus<{ fraction: number }>(await harness.request('POST', '/v1/currencies/iso/JPY'), 201).fraction, 1);
      assert.equal(expectStatus<{ fraction: number }>(await harness.request('POST', '/v1/currencies/iso/BHD', { name: 'Dinar' }), 201).fraction, 1000);
    });

    it('accepts fractions up to 10^18 and patches name, symbol, active and serialPrefix', async () => {
      const btc = expectStatus<{ id: string; fraction: number }>(
        await harness.request('POST', '/v1/currencies', { code: 'ETH', name: 'Ether', fraction: 1e18, assetType: 'crypto' }),
        201,
      );
      assert.equal(btc.fraction, 1e18);
      const patched = expectStatus<Record<string, unknown>>(
        await harness.request('PATCH', `/v1/currencies/${btc.id}`, { name: 'Ethereum', symbol: 'Ξ', active: false, serialPrefix: 'ETH_' }),
        200,
      );
      assert.equal(patched.name, 'Ethereum');
      assert.equal(patched.symbol, 'Ξ');
      assert.equal(patched.active, false);
      assert.equal(patched.serialPrefix, 'ETH_');
      const inactive = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', '/v1/currencies?active=false'), 200);
      assert.ok(inactive.data.some((c) => c.id === btc.id));
      expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: btc.id }), 422, 'currency_inactive');
    });

    it('pages through currencies with a cursor, never repeating one', async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/currencies?limit=2${cursor !== null ? `&cursor=${cursor}` : ''}`;
        const page = expectStatus<{ data: { id: string }[]; nextCursor: string | null }>(await harness.request('GET', url), 200);
        for (const currency of page.data) {
          assert.ok(!seen.has(currency.id));
          seen.add(currency.id);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 20);
      assert.equal(seen.size, await currencyCount());
      assert.ok(pages >= 3);
    });

    const badBodies: [string, unknown, string][] = [
      ['a fraction of 3', { code: 'ABC', name: 'x', fraction: 3, assetType: 'fiat' }, 'currency_fraction_invalid'],
      ['a fraction of 10^19', { code: 'ABC', name: 'x', fraction: 1e19, assetType: 'fiat' }, 'currency_fraction_invalid'],
      ['a code with a dash', { code: 'us-d', name: 'x', fraction: 100, assetType: 'fiat' }, 'currency_code_invalid'],
      ['a 13-character code', { code: 'ABCDEFGHIJKLM', name: 'x', fraction: 100, assetType: 'fiat' }, 'validation_failed'],
      ['a missing name', { code: 'ABC', fraction: 100, assetType: 'fiat' }, 'validation_failed'],
      ['an unknown field', { code: 'ABC', name: 'x', fraction: 100, assetType: 'fiat', balance: '100' }, 'validation_failed'],
      ['a fraction as a string', { code: 'ABC', name: 'x', fraction: '100', assetType: 'fiat' }, 'validation_failed'],
      ['a name as a number', { code: 'ABC', name: 5, fraction: 100, assetType: 'fiat' }, 'validation_failed'],
      ['an unknown asset type', { code: 'ABC', name: 'x', fraction: 100, assetType: 'gold' }, 'validation_failed'],
      ['an array body', [1, 2], 'validation_failed'],
    ];
    for (const [label, body, code] of badBodies) {
      it(`refuses ${label} with ${code} and writes nothing`, async () => {
        const before = await currencyCount();
        const problem = expectProblem(await harness.request('POST', '/v1/currencies', body), 400, code);
        if (code === 'validation_failed') assert.ok(Array.isArray(problem.errors) && problem.errors.length > 0);
        assert.equal(await currencyCount(), before);
      });
    }

    it('names the unknown field in errors[]', async () => {
      const problem = expectProblem(
        await harness.request('POST', '/v1/currencies', { code: 'ABC', name: 'x', fraction: 100, assetType: 'fiat', merchantId: 'm' }),
        400,
        'validation_failed',
      );
      assert.deepEqual(problem.errors, [{ field: 'merchantId', message: 'unknown field' }]);
    });

    it('refuses malformed JSON, unsupported media types and a 12 MB body', async () => {
      const before = await currencyCount();
      expectProblem(await harness.request('POST', '/v1/currencies', '{"code": "ABC",'), 400, 'malformed_json');
      const text = await harness.app.inject({
        method: 'POST',
        url: '/v1/currencies',
        payload: 'code=ABC',
        headers: { authorization: `Bearer ${harness.adminKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectProblem(text, 415, 'unsupported_media_type');
      const huge = JSON.stringify({ code: 'ABC', name: 'x'.repeat(12 * 1024 * 1024), fraction: 100, assetType: 'fiat' });
      expectProblem(await harness.request('POST', '/v1/currencies', huge), 413, 'body_too_large');
      assert.equal(await currencyCount(), before);
    });

    it('answers 401 without a key or with a wrong one, and needs no key for health and docs', async () => {
      expectProblem(await harness.request('GET', '/v1/currencies', undefined, { key: null }), 401, 'unauthorized');
      expectProblem(await harness.request('GET', '/v1/currencies', undefined, { key: 'coffer_sk_wrong' }), 401, 'unauthorized');
      expectProblem(await harness.request('POST', '/v1/currencies/iso/EUR', undefined, { key: null }), 401, 'unauthorized');
      assert.equal((await harness.request('GET', '/healthz', undefined, { key: null })).statusCode, 200);
      assert.equal((await harness.request('GET', '/readyz', undefined, { key: null })).statusCode, 200);
      assert.equal((await harness.request('GET', '/docs/json', undefined, { key: null })).statusCode, 200);
      const metrics = await harness.request('GET', '/metrics', undefined, { key: null });
      assert.match(metrics.body, /coffer_http_request_duration_seconds_bucket\{.*route="\/v1\/currencies"/);
    });

    it('refuses an unknown ISO code, a non-UUID id, an unknown id and an unknown route', async () => {
      const before = await currencyCount();
      expectProblem(await harness.request('POST', '/v1/currencies/iso/XYZ'), 404, 'iso_currency_unknown');
      expectProblem(await harness.request('POST', '/v1/currencies/iso/ZZZ'), 404, 'iso_currency_unknown');
      expectProblem(await harness.request('GET', '/v1/currencies/not-a-uuid'), 400, 'validation_failed');
      expectProblem(await harness.request('GET', '/v1/currencies/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      expectProblem(await harness.request('PATCH', '/v1/currencies/00000000-0000-4000-8000-000000000000', { name: 'x' }), 404, 'not_found');
      expectProblem(await harness.request('GET', '/v1/nothing-here'), 404, 'route_not_found');
      assert.equal(await currencyCount(), before);
    });

    it('reads an empty body sent as JSON as no body: optional bodies pass, required ones are refused by schema', async () => {
      const json = { 'content-type': 'application/json' };
      const gbp = expectStatus<{ code: string }>(await harness.request('POST', '/v1/currencies/iso/GBP', undefined, { headers: json }), 201);
      assert.equal(gbp.code, 'GBP');
      const before = await currencyCount();
      expectProblem(await harness.request('POST', '/v1/currencies', '', { headers: json }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/currencies', '   ', { headers: json }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/currencies', '{', { headers: json }), 400, 'malformed_json');
      assert.equal(await currencyCount(), before);
    });

    it('forbids merchant keys from creating currencies and read-only keys from writing', async () => {
      const merchant = await harness.merchantKey('m1');
      expectProblem(await harness.request('POST', '/v1/currencies/iso/EUR', undefined, { key: merchant }), 403, 'forbidden');
      const reader = await harness.merchantKey('m1', ['read']);
      expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: '00000000-0000-4000-8000-000000000000' }, { key: reader }), 403, 'forbidden');
      expectStatus(await harness.request('GET', '/v1/currencies', undefined, { key: reader }), 200);
    });
  });
}
