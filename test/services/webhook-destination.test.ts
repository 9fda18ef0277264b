/**
 * Issue 12 item 4: webhook destinations cannot be rebound. Addresses are judged with ipaddr.js
 * (only `unicast` passes, IPv4-mapped IPv6 judged as its IPv4), plain http needs
 * COFFER_WEBHOOKS_ALLOW_PRIVATE, and a delivery connects to exactly the address it judged: a
 * name that answers a public address to the check and 127.0.0.1 afterwards never reaches 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../../src/domain/errors.js';
import { recordEvent } from '../../src/services/events.js';
import { newId } from '../../src/services/ids.js';
import { checkWebhookDestination, isPublicAddress, postToWebhook, type Resolver } from '../../src/services/webhook-destination.js';
import { deliverDue } from '../../src/services/webhook-worker.js';
import { backends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/** A name that resolves to a public address the first time and to 127.0.0.1 every time after. */
function rebinding(): Resolver & { calls: number } {
  const resolver = (async () => {
    resolver.calls += 1;
    return resolver.calls === 1 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
  }) as unknown as Resolver & { calls: number };
  resolver.calls = 0;
  return resolver;
}

/** A TCP listener on loopback that counts every connection made to it. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhook destination addresses', () => {
  it('passes only public unicast addresses', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.ok(isPublicAddress(address), address);
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '192.88.99.1',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::1.2.3.4',
      '::102:304',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      'fec0::1',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '64:ff9b::7f00:1',
      '64:ff9b:1::1',
      '2002:7f00:1::',
      '2001::1',
      '2001:db8::1',
      'fe80::1%eth0',
      'not-an-ip',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('refuses plain http unless private destinations are allowed (development)', async () => {
    await assert.rejects(
      checkWebhookDestination('http://93.184.215.14/hook', false),
      (error: unknown) => isCofferError(error) && error.code === 'webhook_url_invalid',
    );
    assert.equal((await checkWebhookDestination('https://93.184.215.14/hook', false)).hostname, '93.184.215.14');
    assert.equal((await checkWebhookDestination('http://127.0.0.1:9/hook', true)).hostname, '127.0.0.1');
  });

  it('never connects to the loopback address a rebinding name answers after the check', async () => {
    const listener = await countingListener();
    try {
      const resolver = rebinding();
      const url = `https://rebind.example:${listener.port}/hook`;
      await checkWebhookDestination(url, false, resolver);
      await assert.rejects(
        postToWebhook(url, { 'content-type': 'application/json' }, '{}', { allowPrivate: false, timeoutMs: 2000, resolver }),
        (error: unknown) => isCofferError(error) && error.code === 'webhook_destination_private',
      );
      assert.equal(resolver.calls, 2, 'the connection resolved once, through its own lookup');
      assert.equal(listener.connections(), 0);
    } finally {
      await listener.close();
    }
  });
});

for (const backend of backends) {
  describe(`webhook delivery and rebinding [${backend.name}]`, () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness(backend);
    });
    after(() => harness.close());

    it('records a refused delivery and reaches nothing when the name now answers 127.0.0.1', async () => {
      const listener = await countingListener();
      try {
        await deliverDue(harness.context);
        const now = new Date();
        const endpoint = {
          id: newId(now.getTime()),
          merchantId: null,
          url: `https://rebind.example:${listener.port}/hook`,
          description: null,
          eventTypes: [],
          status: 'active' as const,
          disabledReason: null,
          createdAt: now,
          updatedAt: now,
        };
        // Registered while the name answered a public address.
        const resolver = rebinding();
        await checkWebhookDestination(endpoint.url, false, resolver);
        await harness.store.transaction(async (tx) => {
          await tx.insertWebhookEndpoint(endpoint, `whsec_${Buffer.alloc(24, 1).toString('base64')}`, null);
          await recordEvent(tx, { type: 'wallet.created', merchantId: null, subjectId: endpoint.id, data: { id: endpoint.id } }, now);
        });
        assert.equal(await deliverDue(harness.context, { resolver, timeoutMs: 2000 }), 1);
        assert.equal(listener.connections(), 0, 'no connection reached the loopback listener');
        const [delivery] = await harness.store.database.query<{ status: string; last_error: string }>(
          'select status, last_error from webhook_deliveries where endpoint_id = $1',
          [endpoint.id],
        );
        assert.equal(delivery?.status, 'pending', 'refused, to be retried');
        assert.match(String(delivery?.last_error), /loopback, private or reserved/);
      } finally {
        await listener.close();
      }
    });
  });
}
