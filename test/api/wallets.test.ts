/**
 * Wallets: serial numbers, safe onboarding retries with externalId, one main wallet per
 * customer and currency, patching, filters and keyset pagination, and bad input refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`wallets [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let eur: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      eur = await isoCurrency(harness, 'EUR');
    });
    after(() => harness.close());

    it('gives every wallet a unique serial with the currency prefix and a zero balance', async () => {
      const first = await wallet(harness, usd.id, { name: 'Alice', customerId: 'alice', program: 'account_usd' });
      const second = await wallet(harness, usd.id);
      assert.match(first.serial, /^840_\d{10}$/);
      assert.notEqual(first.serial, second.serial);
      assert.deepEqual(first.balance, { posted: '0', held: '0', pending: '0', available: '0', ledger: '0', creditLimit: '0' });
    });

    it('returns the same wallet when onboarding is retried with the same externalId, and 409 when the fields differ', async () => {
      const body = { currencyId: usd.id, customerId: 'bob', externalId: 'crm-bob-1', merchantId: 'shop' };
      const created = expectStatus<{ id: string }>(await harness.request('POST', '/v1/wallets', body), 201);
      const retried = expectStatus<{ id: string }>(await harness.request('POST', '/v1/wallets', body), 200);
      assert.equal(retried.id, created.id);
      expectProblem(await harness.request('POST', '/v1/wallets', { ...body, customerId: 'mallory' }), 409, 'external_id_conflict');
      // The same externalId under another merchant is another wallet.
      expectStatus(await harness.request('POST', '/v1/wallets', { ...body, merchantId: 'other-shop' }), 201);
    });

    it('creates one wallet when the same onboarding races with itself', async () => {
      const body = { currencyId: usd.id, customerId: 'carol', externalId: 'crm-carol' };
      const answers = await Promise.all(Array.from({ length: 8 }, () => harness.request('POST', '/v1/wallets', body)));
      const ids = new Set(answers.map((answer) => (JSON.parse(answer.body) as { id: string }).id));
      assert.equal(ids.size, 1);
      assert.ok(answers.every((answer) => answer.statusCode === 200 || answer.statusCode === 201));
    });

    it('allows one main wallet per customer and currency', async () => {
      await wallet(harness, usd.id, { customerId: 'dave', main: true });
      expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: usd.id, customerId: 'dave', main: true }), 409, 'main_wallet_conflict');
      await wallet(harness, eur.id, { customerId: 'dave', main: true });
      const other = await wallet(harness, usd.id, { customerId: 'dave' });
      expectProblem(await harness.request('PATCH', `/v1/wallets/${other.id}`, { main: true }), 409, 'main_wallet_conflict');
    });

    it('patches name, alias, creditLimit, main and metadata', async () => {
      const created = await wallet(harness, usd.id, { customerId: 'erin' });
      const patched = expectStatus<Record<string, unknown>>(
        await harness.request('PATCH', `/v1/wallets/${created.id}`, {
          name: 'Savings',
          alias: 'piggy',
          creditLimit: '5000',
          main: true,
          metadata: { tier: 'gold' },
        }),
        200,
      );
      assert.equal(patched.name, 'Savings');
      assert.equal(patched.alias, 'piggy');
      assert.equal(patched.creditLimit, '5000');
      assert.equal(patched.main, true);
      assert.deepEqual(patched.metadata, { tier: 'gold' });
      assert.equal((patched.balance as Record<string, string>).available, '0');
      expectProblem(await harness.request('PATCH', `/v1/wallets/${created.id}`, { status: 'closed' }), 400, 'validation_failed');
      expectProblem(await harness.request('PATCH', `/v1/wallets/${created.id}`, {}), 400, 'validation_failed');
    });

    it('filters by customer, program, type, category and externalId, and pages without repeats', async () => {
      for (let index = 0; index < 7; index++)
        await wallet(harness, eur.id, { customerId: 'frank', program: 'account_eur', type: index % 2 === 0 ? 'client' : 'merchant' });
      const byProgram = expectStatus<{ data: { program: string }[] }>(await harness.request('GET', '/v1/wallets?program=account_eur&customerId=frank'), 200);
      assert.equal(byProgram.data.length, 7);
      const merchants = expectStatus<{ data: { type: string }[] }>(await harness.request('GET', '/v1/wallets?customerId=frank&type=merchant'), 200);
      assert.equal(merchants.data.length, 3);
      const byExternal = expectStatus<{ data: unknown[] }>(await harness.request('GET', '/v1/wallets?externalId=crm-bob-1'), 200);
      assert.equal(byExternal.data.length, 2);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/wallets?customerId=frank&limit=3${cursor !== null ? `&cursor=${cursor}` : ''}`;
        const page = expectStatus<{ data: { id: string }[]; nextCursor: string | null }>(await harness.request('GET', url), 200);
        seen.push(...page.data.map((w) => w.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.equal(seen.length, 7);
      assert.equal(new Set(seen).size, 7);
      assert.deepEqual([...seen].sort(), seen, 'wallets are listed in creation (id) order');
    });

    const badBodies: [string, Record<string, unknown>, number, string][] = [
      ['an unknown currency', { currencyId: '00000000-0000-4000-8000-000000000000' }, 404, 'not_found'],
      ['a non-UUID currency', { currencyId: 'usd' }, 400, 'validation_failed'],
      ['a system type', { type: 'issuing' }, 422, 'system_wallet_not_allowed'],
      ['a balance field', { balance: { posted: '100' } }, 400, 'validation_failed'],
      ['a status field', { status: 'blocked' }, 400, 'validation_failed'],
      ['a 41-character externalId', { externalId: 'x'.repeat(41) }, 400, 'validation_failed'],
      ['a negative credit limit', { creditLimit: '-5' }, 400, 'validation_failed'],
      ['too much metadata', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 400, 'validation_failed'],
      ['a metadata number', { metadata: { a: 1 } }, 400, 'validation_failed'],
    ];
    for (const [label, fields, status, code] of badBodies) {
      it(`refuses ${label} with ${code}`, async () => {
        const before = await ledgerSnapshot(harness.store);
        expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: usd.id, ...fields }), status, code);
        assert.equal(await ledgerSnapshot(harness.store), before);
      });
    }

    it('answers 404 for an unknown wallet and 400 for a malformed id', async () => {
      expectProblem(await harness.request('GET', '/v1/wallets/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      expectProblem(await harness.request('GET', '/v1/wallets/123'), 400, 'validation_failed');
    });
  });
}
