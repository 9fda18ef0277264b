/**
 * The audit log: every change (currencies, wallets, API keys, webhooks, transactions) is recorded
 * with the acting key, the request id (also sent as the `request-id` response header), the time
 * and the before and after of what changed; it pages newest first, a merchant key reads only its
 * merchant's records, and a refused change records nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type AuditEntry = {
  id: string;
  action: string;
  subjectId: string;
  merchantId: string | null;
  apiKeyId: string | null;
  requestId: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
  createdAt: string;
};

for (const backend of backends) {
  describe(`audit log [${backend.name}]`, () => {
    let harness: Harness;
    let adminKeyId: string;
    before(async () => {
      harness = await startHarness(backend);
      const keys = expectStatus<{ data: { id: string; name: string }[] }>(await harness.request('GET', '/v1/api-keys'), 200);
      adminKeyId = keys.data[0]?.id as string;
    });
    after(() => harness.close());

    async function auditOf(subjectId: string, key?: string): Promise<AuditEntry[]> {
      return expectStatus<{ data: AuditEntry[] }>(
        await harness.request('GET', `/v1/audit-log?subjectId=${subjectId}`, undefined, key !== undefined ? { key } : {}),
        200,
      ).data;
    }

    it('records a currency change with key, request id, time and before/after', async () => {
      const usd = await isoCurrency(harness, 'USD');
      const response = await harness.request('PATCH', `/v1/currencies/${usd.id}`, { active: false });
      expectStatus(response, 200);
      const [updated, created] = await auditOf(usd.id);
      assert.equal(updated?.action, 'currency.updated');
      assert.deepEqual(updated?.changes, { active: { before: true, after: false } });
      assert.equal(updated?.apiKeyId, adminKeyId);
      assert.equal(updated?.requestId, response.headers['request-id']);
      assert.ok(Math.abs(Date.parse(String(updated?.createdAt)) - Date.now()) < 60_000);
      assert.equal(created?.action, 'currency.created');
      assert.equal(created?.changes.code?.after, 'USD');
    });

    it('records wallet limits, API keys and transactions; a merchant reads only its own records', async () => {
      const eur = await isoCurrency(harness, 'EUR');
      const key = await harness.merchantKey('m-a');
      const mine = await wallet(harness, eur.id, {}, key);
      expectStatus(await harness.request('PATCH', `/v1/wallets/${mine.id}`, { creditLimit: '500' }, { key }), 200);
      const [limit, created] = await auditOf(mine.id, key);
      assert.deepEqual(limit?.changes, { creditLimit: { before: '0', after: '500' } });
      assert.equal(created?.action, 'wallet.created');
      assert.notEqual(limit?.apiKeyId, adminKeyId);

      const moved = await topup(harness, mine.id, '25');
      const [movement] = await auditOf(String(moved.id));
      assert.equal(movement?.action, 'transaction.created');
      assert.deepEqual(movement?.changes.amount, { before: null, after: '25' });

      const issued = expectStatus<{ id: string; key: string }>(
        await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-b', scopes: ['read'] }),
        201,
      );
      expectStatus(await harness.request('POST', `/v1/api-keys/${issued.id}/revoke`), 200);
      const [revoked, made] = await auditOf(issued.id);
      assert.equal(revoked?.action, 'api_key.revoked');
      assert.equal(revoked?.changes.revokedAt?.before, null);
      assert.equal(made?.action, 'api_key.created');
      assert.ok(!JSON.stringify(made).includes(issued.key), 'the key itself is never recorded');

      const seen = expectStatus<{ data: AuditEntry[] }>(await harness.request('GET', '/v1/audit-log?limit=500', undefined, { key }), 200).data;
      assert.ok(seen.length >= 3 && seen.every((entry) => entry.merchantId === 'm-a'));
      assert.deepEqual(await auditOf(eur.id, key), [], 'admin records are not shown to merchants');
    });

    it('pages newest first with a cursor, and records nothing for a refused change', async () => {
      const all = expectStatus<{ data: AuditEntry[] }>(await harness.request('GET', '/v1/audit-log?limit=500'), 200).data;
      const paged: AuditEntry[] = [];
      let url = '/v1/audit-log?limit=2';
      for (let page = 0; page < 100; page++) {
        const body = expectStatus<{ data: AuditEntry[]; nextCursor: string | null }>(await harness.request('GET', url), 200);
        paged.push(...body.data);
        if (body.nextCursor === null) break;
        url = `/v1/audit-log?limit=2&cursor=${body.nextCursor}`;
      }
      assert.deepEqual(
        paged.map((entry) => entry.id),
        all.map((entry) => entry.id),
      );
      const count = all.length;
      const usd = all.find((entry) => entry.action === 'currency.created')?.subjectId as string;
      expectProblem(await harness.request('PATCH', `/v1/currencies/${usd}`, { active: 'maybe' }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/api-keys', { role: 'merchant' }), 400, 'validation_failed');
      const again = expectStatus<{ data: AuditEntry[] }>(await harness.request('GET', '/v1/audit-log?limit=500'), 200).data;
      assert.equal(again.length, count);
    });
  });
}
