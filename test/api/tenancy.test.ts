/**
 * Tenancy details the access matrix does not reach: the database never holds an issued API key
 * in plain text (every text, json and array column of every table is searched for it), and
 * Idempotency-Keys are scoped so that no merchant id, not even "_admin", shares another's scope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sealEvents } from '../../src/services/events.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`tenancy [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
    });
    after(() => harness.close());

    it('stores no API key in plain text anywhere in the database', async () => {
      const issued = expectStatus<{ id: string; key: string }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-scan', name: 'scan', scopes: ['read', 'write', 'issue'] }),
        201,
      );
      const merchant = await harness.merchantKey('m-other');
      const usd = await isoCurrency(harness, 'USD');
      const mine = await wallet(harness, usd.id, { metadata: { note: 'x' } }, issued.key);
      await topup(harness, mine.id, '100', issued.key);
      expectStatus(
        await harness.request(
          'POST',
          '/v1/transfers',
          { fromWalletId: mine.id, toWalletId: mine.id, amount: '1' },
          { key: issued.key, headers: { 'idempotency-key': 'scan-1' } },
        ),
        422,
      );
      expectStatus(
        await harness.request('POST', '/v1/withdrawals', { walletId: mine.id, amount: '1' }, { key: issued.key, headers: { 'idempotency-key': 'scan-2' } }),
        201,
      );
      expectStatus(await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/scan' }, { key: issued.key }), 201);
      expectStatus(await harness.request('POST', `/v1/api-keys/${issued.id}/revoke`), 200);
      await sealEvents(harness.store, new Date());

      const columns = await harness.store.database.query<{ table_name: string; column_name: string }>(
        `select c.table_name, c.column_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
         where c.table_schema = current_schema() and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY'))`,
      );
      assert.ok(columns.length > 20, `${columns.length} columns searched`);
      const tables = new Set(columns.map((column) => column.table_name));
      for (const table of ['api_keys', 'audit_log', 'events', 'idempotency_keys', 'webhook_endpoints', 'transactions', 'wallets'])
        assert.ok(tables.has(table), table);
      for (const key of [issued.key, merchant, harness.adminKey]) {
        const secretPart = key.slice('coffer_sk_'.length, 'coffer_sk_'.length + 24);
        for (const { table_name: table, column_name: column } of columns) {
          const rows = await harness.store.database.query<{ n: number }>(`select count(*)::int as n from "${table}" where "${column}"::text like $1`, [
            `%${secretPart}%`,
          ]);
          assert.equal(rows[0]?.n, 0, `${table}.${column} holds (part of) an API key`);
        }
      }
      const listed = expectStatus<{ data: { prefix: string; last4: string }[] }>(await harness.request('GET', '/v1/api-keys'), 200);
      assert.ok(listed.data.every((key) => key.prefix.length <= 14 && key.last4.length === 4));
    });

    it('keeps the idempotency scope of a merchant named "_admin" apart from the admin keys', async () => {
      const usd = await isoCurrency(harness, 'EUR');
      const adminWallet = await wallet(harness, usd.id);
      const first = expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/topups', { walletId: adminWallet.id, amount: '7' }, { headers: { 'idempotency-key': 'shared-key' } }),
        201,
      );
      const impostor = await harness.merchantKey('_admin');
      const theirs = await wallet(harness, usd.id, {}, impostor);
      const answer = await harness.request(
        'POST',
        '/v1/topups',
        { walletId: adminWallet.id, amount: '7' },
        { key: impostor, headers: { 'idempotency-key': 'shared-key' } },
      );
      assert.notEqual(answer.headers['idempotent-replayed'], 'true');
      assert.equal(answer.statusCode, 404, `the admin's wallet is not the impostor's: ${answer.body}`);
      assert.ok(!answer.body.includes(first.id));
      expectStatus(
        await harness.request('POST', '/v1/topups', { walletId: theirs.id, amount: '7' }, { key: impostor, headers: { 'idempotency-key': 'shared-key' } }),
        201,
      );
    });
  });
}
