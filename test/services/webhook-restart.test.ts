/**
 * Deliveries survive a restart: a process seals an event, claims its delivery and stops before
 * sending it (all it leaves is the claim's lease in the database); a new process opened on the
 * same database delivers it once the lease has run out, under the same webhook-id. Runs on an
 * embedded database kept in a directory, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import type { RuntimeContext } from '../../src/services/runtime.js';
import { recordEvent, sealEvents } from '../../src/services/events.js';
import { newId } from '../../src/services/ids.js';
import { deliverDue } from '../../src/services/webhook-worker.js';
import { createWebhook } from '../../src/services/webhooks.js';
import { openStore, type StoreConfig } from '../../src/store/connect.js';
import { startReceiver } from '../support/receiver.js';
import { testSecretKey } from '../support/harness.js';
import { createContext } from '../../src/services/runtime.js';

const admin = { apiKeyId: newId(), role: 'admin' as const, merchantId: null, scopes: ['read', 'write', 'issue'] as const };

async function context(config: StoreConfig): Promise<RuntimeContext> {
  return createContext(await openStore(config), readConfig({ COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true', COFFER_SECRET_KEY: testSecretKey }));
}

async function scenario(config: StoreConfig): Promise<void> {
  const receiver = await startReceiver();
  try {
    const first = await context(config);
    await createWebhook(first, admin, { url: receiver.url });
    const subjectId = newId();
    await first.store.transaction((tx) => recordEvent(tx, { type: 'wallet.created', merchantId: null, subjectId, data: { id: subjectId } }, new Date()));
    await sealEvents(first.store, new Date());
    const claimed = await first.store.transaction((tx) => tx.claimWebhookDeliveries(new Date(), new Date(Date.now() + 60_000), 10));
    assert.equal(claimed.length, 1);
    await first.store.close(); // the process dies with the delivery claimed and unsent

    const second = await context(config);
    try {
      assert.equal(await deliverDue(second), 0, 'the lease of the dead process still holds');
      assert.equal(await deliverDue(second, { now: new Date(Date.now() + 61_000) }), 1);
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0]?.headers['webhook-id'], `msg_${claimed[0]?.delivery.id}`);
      assert.equal((JSON.parse(receiver.received[0]?.body ?? '{}') as { data: { id: string } }).data.id, subjectId);
      const rows = await second.store.database.query<{ status: string; attempts: number }>('select status, attempts from webhook_deliveries');
      assert.deepEqual(rows, [{ status: 'succeeded', attempts: 2 }]);
    } finally {
      await second.store.close();
    }
  } finally {
    await receiver.close();
  }
}

describe('webhook delivery across a restart', () => {
  it('delivers after restart on the embedded database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-restart-'));
    try {
      await scenario({ dataDir });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== '') {
    it('delivers after restart on PostgreSQL', async () => {
      const schema = `coffer_test_${randomBytes(6).toString('hex')}`;
      try {
        await scenario({ databaseUrl: url, schema, poolSize: 4 });
      } finally {
        const cleanup = await openStore({ databaseUrl: url, schema, poolSize: 1 });
        await cleanup.database.query(`drop schema ${schema} cascade`).catch(() => undefined);
        await cleanup.close();
      }
    });
  }
});
