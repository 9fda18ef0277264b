/**
 * Webhooks: an endpoint is registered with a whsec_ secret shown once; deliveries are signed in
 * the Standard Webhooks format (checked with the independent `standardwebhooks` package: a
 * tampered body, an old timestamp and a wrong secret fail); a receiver answering 500, 500, 200
 * gets three attempts under one webhook-id; Retry-After is honoured; 410 disables the endpoint;
 * a delivery claimed by a process that died is delivered after its lease; racing workers deliver
 * each event once; the delivery log shows every attempt and a delivery can be replayed;
 * loopback and private destinations are refused unless COFFER_WEBHOOKS_ALLOW_PRIVATE=true.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { deliverDue } from '../../src/services/webhook-worker.js';
import { signWebhook } from '../../src/services/webhook-signing.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

type Endpoint = { id: string; secret?: string; status: string; disabledReason: string | null };
type Delivery = { id: string; webhookId: string; status: string; attempts: number; nextAttemptAt: string | null; attemptLog: { statusCode: number | null }[] };

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

for (const backend of backends) {
  describe(`webhooks [${backend.name}]`, () => {
    let harness: Harness;
    let receiver: Receiver;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      receiver = await startReceiver();
      usd = await isoCurrency(harness, 'USD');
      alice = await wallet(harness, usd.id, { merchantId: 'm-a' });
      await deliverDue(harness.context); // seal the setup's events before any endpoint exists
    });
    after(async () => {
      await receiver.close();
      await harness.close();
    });

    async function register(body: Record<string, unknown>, key?: string): Promise<Endpoint> {
      return expectStatus<Endpoint>(await harness.request('POST', '/v1/webhooks', { url: receiver.url, ...body }, key !== undefined ? { key } : {}), 201);
    }

    async function deliveries(endpointId: string): Promise<Delivery[]> {
      return expectStatus<{ data: Delivery[] }>(await harness.request('GET', `/v1/webhooks/${endpointId}/deliveries`), 200).data;
    }

    async function disable(endpointId: string): Promise<void> {
      expectStatus(await harness.request('PATCH', `/v1/webhooks/${endpointId}`, { status: 'disabled' }), 200);
    }

    it('shows the whsec_ secret once and signs deliveries that standardwebhooks verifies, and only those', async () => {
      const endpoint = await register({ eventTypes: ['transaction.posted'] });
      assert.match(String(endpoint.secret), /^whsec_[A-Za-z0-9+/]+=*$/);
      const shown = expectStatus<Record<string, unknown>>(await harness.request('GET', `/v1/webhooks/${endpoint.id}`), 200);
      assert.equal(shown.secret, undefined);
      const listed = expectStatus<{ data: Record<string, unknown>[] }>(await harness.request('GET', '/v1/webhooks'), 200);
      assert.ok(listed.data.every((item) => item.secret === undefined));

      await wallet(harness, usd.id); // wallet.created: filtered out
      const posted = await topup(harness, alice.id, '700');
      receiver.received.length = 0;
      assert.equal(await deliverDue(harness.context), 1);
      const [message] = receiver.received;
      assert.ok(message !== undefined);
      const payload = JSON.parse(message.body) as { type: string; data: { id: string; amount: string } };
      assert.equal(payload.type, 'transaction.posted');
      assert.equal(payload.data.id, posted.id);
      assert.equal(payload.data.amount, '700');
      const headers = message.headers as Record<string, string>;
      const verifier = new Webhook(String(endpoint.secret));
      assert.deepEqual(verifier.verify(message.body, headers), payload);
      assert.throws(() => verifier.verify(message.body.replace('700', '701'), headers), /signature/i);
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).verify(message.body, headers), /signature/i);
      const old = Math.floor(Date.now() / 1000) - 3600;
      const oldHeaders = {
        ...headers,
        'webhook-timestamp': String(old),
        'webhook-signature': signWebhook(String(endpoint.secret), headers['webhook-id'] as string, old, message.body),
      };
      assert.throws(() => verifier.verify(message.body, oldHeaders), /timestamp/i);
      await disable(endpoint.id);
    });

    it('retries 500, 500, 200 as three attempts under one webhook-id, with growing jittered delays', async () => {
      const endpoint = await register({ eventTypes: ['transaction.posted'] });
      receiver.received.length = 0;
      receiver.script([{ status: 500 }, { status: 500 }, { status: 200 }]);
      await topup(harness, alice.id, '1');
      assert.equal(await deliverDue(harness.context), 1);
      const [first] = await deliveries(endpoint.id);
      assert.equal(first?.status, 'pending');
      const firstDelayMs = Date.parse(String(first?.nextAttemptAt)) - Date.now();
      assert.ok(firstDelayMs > 1_000 && firstDelayMs <= 5_000, `first retry after ${firstDelayMs} ms`);
      assert.equal(await deliverDue(harness.context), 0, 'not due yet');
      assert.equal(await deliverDue(harness.context, { now: later(6) }), 1);
      const [second] = await deliveries(endpoint.id);
      const secondDelayMs = Date.parse(String(second?.nextAttemptAt)) - later(6).getTime();
      assert.ok(secondDelayMs > 4_000 && secondDelayMs <= 10_000, `second retry after ${secondDelayMs} ms`);
      assert.equal(await deliverDue(harness.context, { now: later(20) }), 1);
      assert.equal(receiver.received.length, 3);
      assert.equal(new Set(receiver.received.map((message) => message.headers['webhook-id'])).size, 1, 'one webhook-id');
      assert.equal(new Set(receiver.received.map((message) => message.body)).size, 1, 'one body');
      const [done] = await deliveries(endpoint.id);
      assert.equal(done?.status, 'succeeded');
      assert.equal(done?.attempts, 3);
      assert.deepEqual(
        done?.attemptLog.map((attempt) => attempt.statusCode),
        [500, 500, 200],
      );
      assert.equal(done?.webhookId, receiver.received[0]?.headers['webhook-id']);

      receiver.received.length = 0;
      const replayed = expectStatus<Delivery>(await harness.request('POST', `/v1/webhooks/${endpoint.id}/deliveries/${done?.id}/replay`), 202);
      assert.equal(replayed.status, 'pending');
      expectProblem(await harness.request('POST', `/v1/webhooks/${endpoint.id}/deliveries/${done?.id}/replay`), 409, 'webhook_delivery_pending');
      assert.equal(await deliverDue(harness.context), 1);
      assert.equal(receiver.received[0]?.headers['webhook-id'], done?.webhookId, 'a replay keeps the webhook-id');
      await disable(endpoint.id);
    });

    it('honours Retry-After, and disables the endpoint on 410 Gone', async () => {
      const endpoint = await register({ eventTypes: ['transaction.posted'] });
      receiver.script([{ status: 503, headers: { 'retry-after': '120' } }, { status: 410 }]);
      await topup(harness, alice.id, '2');
      const now = new Date();
      assert.equal(await deliverDue(harness.context, { now }), 1);
      const [waiting] = await deliveries(endpoint.id);
      assert.equal(Date.parse(String(waiting?.nextAttemptAt)), now.getTime() + 120_000);
      assert.equal(await deliverDue(harness.context, { now: later(119) }), 0);
      assert.equal(await deliverDue(harness.context, { now: later(121) }), 1);
      const gone = expectStatus<Endpoint>(await harness.request('GET', `/v1/webhooks/${endpoint.id}`), 200);
      assert.equal(gone.status, 'disabled');
      assert.match(String(gone.disabledReason), /410/);
      await topup(harness, alice.id, '3');
      receiver.received.length = 0;
      assert.equal(await deliverDue(harness.context, { now: later(200) }), 0, 'a disabled endpoint receives nothing');
      assert.equal(receiver.received.length, 0);
    });

    it('delivers after a process died holding the claim, and racing workers deliver each event once', async () => {
      const endpoint = await register({ eventTypes: ['transaction.posted'] });
      await topup(harness, alice.id, '4');
      await harness.context.store.transaction((tx) => tx.sealEvents(100, new Date()));
      // A process claims the delivery, then dies before sending: its lease is all that is left.
      const claimed = await harness.store.transaction((tx) => tx.claimWebhookDeliveries(new Date(), later(60), 10));
      assert.equal(claimed.length, 1);
      const [crashed] = await deliveries(endpoint.id);
      receiver.received.length = 0;
      assert.equal(await deliverDue(harness.context), 0, 'the lease of the dead process still holds');
      assert.equal(await deliverDue(harness.context, { now: later(61) }), 1, 'delivered once the lease ran out');
      assert.equal(receiver.received[0]?.headers['webhook-id'], crashed?.webhookId);

      for (let index = 0; index < 12; index++) await topup(harness, alice.id, '1');
      receiver.received.length = 0;
      await Promise.all([
        deliverDue(harness.context, { batchSize: 5 }),
        deliverDue(harness.context, { batchSize: 5 }),
        deliverDue(harness.context, { batchSize: 5 }),
      ]);
      while ((await deliverDue(harness.context)) > 0);
      const ids = receiver.received.map((message) => message.headers['webhook-id']);
      assert.equal(ids.length, 12);
      assert.equal(new Set(ids).size, 12, 'each event delivered once');
      await disable(endpoint.id);
    });

    it("gives a merchant endpoint only its merchant's events", async () => {
      const key = await harness.merchantKey('m-b');
      const endpoint = await register({ merchantId: 'm-a' }, key);
      const bobs = await wallet(harness, usd.id, {}, key);
      await topup(harness, alice.id, '5');
      receiver.received.length = 0;
      await deliverDue(harness.context);
      const subjects = receiver.received.map((message) => (JSON.parse(message.body) as { data: { id: string } }).data.id);
      assert.deepEqual(subjects, [bobs.id], 'the body merchantId is ignored for a merchant key');
      await disable(endpoint.id);
    });
  });

  describe(`webhook destinations [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    it('refuses loopback and private destinations unless allowed, and malformed URLs', async () => {
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://[::1]/x',
        'http://10.1.2.3/x',
        'http://192.168.0.1/',
        'http://172.20.0.1/',
        'http://169.254.169.254/latest',
        'http://[::ffff:127.0.0.1]/',
        'http://0.0.0.0/',
        'http://[fd00::1]/',
      ]) {
        expectProblem(await harness.request('POST', '/v1/webhooks', { url }), 422, 'webhook_destination_private');
      }
      for (const url of ['not a url', 'ftp://example.com/', 'http://user:pass@example.com/', 'file:///etc/passwd']) {
        expectProblem(await harness.request('POST', '/v1/webhooks', { url }), 400, 'webhook_url_invalid');
      }
      expectProblem(await harness.request('POST', '/v1/webhooks', { url: 'https://93.184.215.14/hook', secret: 'mine' }), 400, 'validation_failed');
      expectProblem(await harness.request('POST', '/v1/webhooks', { url: 'https://93.184.215.14/hook', eventTypes: ['nope'] }), 400, 'validation_failed');
      const rows = await harness.store.database.query('select count(*)::int as n from webhook_endpoints');
      assert.equal(rows[0]?.n, 0);
      expectStatus(await harness.request('POST', '/v1/webhooks', { url: 'https://93.184.215.14/hook' }), 201);
    });
  });
}
