/**
 * Issue 12 items 5 and 10: secrets at rest. No secret has a default in the source; one master
 * secret (COFFER_SECRET_KEY or a generated key file on the embedded database) from which the
 * card-hash key and the webhook-secret key are derived; webhook signing secrets are stored
 * encrypted and can be rotated with a grace period during which both secrets sign.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { readConfig } from '../../src/config.js';
import { luhnCheckDigit } from '../../src/domain/card.js';
import { decryptSecret, deriveSecretKeys, encryptStoredSecrets, loadMasterSecret, reencryptStoredSecrets, secretKeysOf } from '../../src/services/secrets.js';
import { deliverDue } from '../../src/services/webhook-worker.js';
import { signWebhook } from '../../src/services/webhook-signing.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness, testSecretKey } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

/** The key the card hash used before: it was in the source. */
const oldDefaultKey = 'coffer-card-hash-key: set COFFER_CARD_HASH_KEY in production';

/** Every 16-digit number with the masked number's first 6 and last 4 digits and a valid check digit. */
function candidates(masked: string): string[] {
  const found: string[] = [];
  for (let middle = 0; middle < 1_000_000; middle++) {
    const number = masked.slice(0, 6) + String(middle).padStart(6, '0') + masked.slice(-4);
    if (luhnCheckDigit(number.slice(0, 15)) === number.slice(15)) found.push(number);
  }
  return found;
}

async function columnsOf(harness: Harness): Promise<{ table_name: string; column_name: string }[]> {
  return harness.store.database.query<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name from information_schema.columns c
     join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
     where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
  );
}

async function countContaining(harness: Harness, needle: string): Promise<string[]> {
  const holding: string[] = [];
  for (const { table_name: table, column_name: column } of await columnsOf(harness)) {
    const rows = await harness.store.database.query<{ n: number }>(`select count(*)::int as n from "${table}" where "${column}"::text like $1`, [
      `%${needle}%`,
    ]);
    if ((rows[0]?.n ?? 0) > 0) holding.push(`${table}.${column}`);
  }
  return holding;
}

describe('master secret', () => {
  it('has no default in the source and refuses a short COFFER_SECRET_KEY', async () => {
    const sources = await readdir(new URL('../../src/', import.meta.url), { recursive: true });
    for (const file of sources.filter((name) => String(name).endsWith('.ts'))) {
      const text = await readFile(new URL(`../../src/${file}`, import.meta.url), 'utf8');
      assert.ok(!text.includes('coffer-card-hash-key'), `${file} holds the old default card hash key`);
    }
    assert.throws(() => readConfig({ COFFER_SECRET_KEY: 'too-short' }), /COFFER_SECRET_KEY must be at least 32 characters/);
    assert.equal(readConfig({}).secretKey, undefined);
    assert.throws(() => secretKeysOf(readConfig({})), /COFFER_SECRET_KEY/);
  });

  it('refuses to start on PostgreSQL without COFFER_SECRET_KEY, and generates a 0600 key file on the embedded database', async () => {
    await assert.rejects(
      loadMasterSecret({ secretKey: undefined, databaseUrl: 'postgres://nobody@127.0.0.1:1/none', dataDir: '/nonexistent' }),
      /COFFER_SECRET_KEY is not set/,
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-secret-'));
    try {
      const first = await loadMasterSecret({ secretKey: undefined, databaseUrl: undefined, dataDir: join(dataDir, 'nested') });
      assert.match(first, /^[0-9a-f]{64}$/);
      const file = join(dataDir, 'nested', 'secret.key');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal(
        await loadMasterSecret({ secretKey: undefined, databaseUrl: undefined, dataDir: join(dataDir, 'nested') }),
        first,
        'the same key on the next start',
      );
      const given = 'x'.repeat(40);
      assert.equal(await loadMasterSecret({ secretKey: given, databaseUrl: 'postgres://x', dataDir }), given);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('derives distinct keys per purpose', () => {
    const keys = deriveSecretKeys(testSecretKey);
    assert.notDeepEqual(keys.cardHash, keys.webhookSecrets);
    assert.notDeepEqual(deriveSecretKeys(`${testSecretKey}!`).cardHash, keys.cardHash);
  });
});

for (const backend of backends) {
  describe(`secrets at rest [${backend.name}]`, () => {
    let harness: Harness;
    let receiver: Receiver;
    let usd: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      receiver = await startReceiver();
      usd = await isoCurrency(harness, 'USD');
      await deliverDue(harness.context);
    });
    after(async () => {
      await receiver.close();
      await harness.close();
    });

    it('stores a card as first 6 / last 4 and a hash no one can test numbers against without the master secret', async () => {
      const owner = await wallet(harness, usd.id);
      const card = expectStatus<{ id: string; maskedNumber: string }>(await harness.request('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      const rows = await harness.store.database.query<{ masked_number: string; number_hash: string }>(
        'select masked_number, number_hash from cards where id = $1',
        [card.id],
      );
      const row = rows[0];
      assert.ok(row !== undefined);
      assert.match(row.masked_number, /^\d{6}\*{6}\d{4}$/);
      const numbers = candidates(row.masked_number);
      assert.ok(numbers.length > 50_000, `${numbers.length} candidate numbers`);
      const matching = (key: string | Buffer) => numbers.filter((number) => createHmac('sha256', key).update(number).digest('hex') === row.number_hash);
      assert.deepEqual(matching(oldDefaultKey), [], 'the key that was in the source recovers nothing');
      const recovered = matching(secretKeysOf(harness.context.config).cardHash);
      assert.equal(recovered.length, 1, 'the hash is keyed with the key derived from the master secret');
      // The full number is nowhere in the database.
      assert.deepEqual(await countContaining(harness, recovered[0] as string), []);
    });

    it('stores webhook signing secrets encrypted, and encrypts rows left in plain text at start', async () => {
      const created = expectStatus<{ id: string; secret: string }>(await harness.request('POST', '/v1/webhooks', { url: receiver.url }), 201);
      const secretPart = created.secret.slice('whsec_'.length, 'whsec_'.length + 20);
      assert.deepEqual(await countContaining(harness, secretPart), [], 'no column holds the signing secret');
      const [row] = await harness.store.database.query<{ secret: string }>('select secret from webhook_endpoints where id = $1', [created.id]);
      assert.match(String(row?.secret), /^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
      assert.equal(decryptSecret(secretKeysOf(harness.context.config).webhookSecrets, String(row?.secret)), created.secret);
      assert.throws(() => decryptSecret(deriveSecretKeys('another-master-secret-of-enough-length').webhookSecrets, String(row?.secret)));

      // A row written before encryption: the start-up pass encrypts it, and deliveries still verify.
      await harness.store.database.query('update webhook_endpoints set secret = $2 where id = $1', [created.id, created.secret]);
      assert.equal(await encryptStoredSecrets(harness.store, secretKeysOf(harness.context.config)), 1);
      assert.deepEqual(await countContaining(harness, secretPart), []);
      await topup(harness, (await wallet(harness, usd.id)).id, '5');
      receiver.received.length = 0;
      assert.ok((await deliverDue(harness.context)) >= 1);
      const message = receiver.received.at(-1);
      assert.ok(message !== undefined);
      assert.ok(new Webhook(created.secret).verify(message.body, message.headers as Record<string, string>));
      expectStatus(await harness.request('PATCH', `/v1/webhooks/${created.id}`, { status: 'disabled' }), 200);
    });

    it('re-encrypts every stored secret to a new master secret (coffer rotate-secret-key)', async () => {
      const created = expectStatus<{ id: string; secret: string }>(await harness.request('POST', '/v1/webhooks', { url: receiver.url }), 201);
      const current = secretKeysOf(harness.context.config);
      const next = deriveSecretKeys('the-next-master-secret-0123456789abcdef');
      assert.ok((await reencryptStoredSecrets(harness.store, current, next)) >= 1);
      const [row] = await harness.store.database.query<{ secret: string }>('select secret from webhook_endpoints where id = $1', [created.id]);
      assert.equal(decryptSecret(next.webhookSecrets, String(row?.secret)), created.secret);
      assert.throws(() => decryptSecret(current.webhookSecrets, String(row?.secret)));
      // Back to the harness's key for the tests that follow.
      await reencryptStoredSecrets(harness.store, next, current);
      expectStatus(await harness.request('PATCH', `/v1/webhooks/${created.id}`, { status: 'disabled' }), 200);
    });

    it('rotates a webhook secret: both sign during the grace period, only the new one after', async () => {
      const created = expectStatus<{ id: string; secret: string }>(
        await harness.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['transaction.posted'] }),
        201,
      );
      const rotated = expectStatus<{ id: string; secret: string; previousSecretExpiresAt: string }>(
        await harness.request('POST', `/v1/webhooks/${created.id}/rotate-secret`, { gracePeriodSeconds: 3600 }),
        200,
      );
      assert.match(rotated.secret, /^whsec_/);
      assert.notEqual(rotated.secret, created.secret);
      const expires = Date.parse(rotated.previousSecretExpiresAt);
      assert.ok(Math.abs(expires - (Date.now() + 3600_000)) < 60_000);
      const [row] = await harness.store.database.query<{ secret: string; previous_secret: string }>(
        'select secret, previous_secret from webhook_endpoints where id = $1',
        [created.id],
      );
      for (const stored of [row?.secret, row?.previous_secret]) assert.match(String(stored), /^v1:/);

      const target = await wallet(harness, usd.id);
      await topup(harness, target.id, '9');
      receiver.received.length = 0;
      assert.equal(await deliverDue(harness.context), 1);
      const during = receiver.received[0];
      assert.ok(during !== undefined);
      assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
      for (const secret of [created.secret, rotated.secret])
        assert.ok(new Webhook(secret).verify(during.body, during.headers as Record<string, string>), 'verifies with old and new');

      // After the grace period only the new secret signs.
      await topup(harness, target.id, '10');
      receiver.received.length = 0;
      const later = new Date(expires + 1000);
      assert.equal(await deliverDue(harness.context, { now: later }), 1);
      const afterGrace = receiver.received[0];
      assert.ok(afterGrace !== undefined);
      assert.equal(String(afterGrace.headers['webhook-signature']).split(' ').length, 1);
      // Signed at `later`: check the one signature is the new secret's, at that timestamp.
      const signedAt = Number(afterGrace.headers['webhook-timestamp']);
      assert.equal(signedAt, Math.floor(later.getTime() / 1000));
      assert.equal(afterGrace.headers['webhook-signature'], signWebhook(rotated.secret, String(afterGrace.headers['webhook-id']), signedAt, afterGrace.body));
      assert.notEqual(
        afterGrace.headers['webhook-signature'],
        signWebhook(created.secret, String(afterGrace.headers['webhook-id']), signedAt, afterGrace.body),
      );

      // Another merchant cannot rotate it.
      const stranger = await harness.merchantKey('m-stranger');
      expectStatus(await harness.request('POST', `/v1/webhooks/${created.id}/rotate-secret`, {}, { key: stranger }), 404);
      expectStatus(await harness.request('PATCH', `/v1/webhooks/${created.id}`, { status: 'disabled' }), 200);
    });
  });
}
