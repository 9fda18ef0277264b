/**
 * The event feed: every change writes its event in the same database transaction (a refused
 * request leaves none), the feed read from the start matches the transactions one for one with
 * positions 1, 2, 3… and no gap even when writers race, it replays from any cursor, a merchant
 * key reads only its merchant's events, and the live stream delivers the same events.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { readFeed } from '../support/feed.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends) {
  describe(`events [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    let bob: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      alice = await wallet(harness, usd.id, { merchantId: 'm-a', customerId: 'alice' });
      bob = await wallet(harness, usd.id, { merchantId: 'm-a', customerId: 'bob' });
      await topup(harness, alice.id, '100000');
    });
    after(() => harness.close());

    it('matches the transactions one for one, in order, with positions 1, 2, 3… and no gap, under racing writers', async () => {
      const transfers = Array.from({ length: 40 }, (_, index) =>
        harness.request(
          'POST',
          '/v1/transfers',
          index % 2 === 0 ? { fromWalletId: alice.id, toWalletId: bob.id, amount: '10' } : { fromWalletId: bob.id, toWalletId: alice.id, amount: '1' },
        ),
      );
      const answers = await Promise.all(transfers);
      for (const answer of answers) assert.ok(answer.statusCode === 201 || answer.statusCode === 422, answer.body);
      const reversed = expectStatus<{ id: string }>(await harness.request('POST', '/v1/topups', { walletId: bob.id, amount: '500' }), 201);
      expectStatus(await harness.request('POST', `/v1/transactions/${reversed.id}/reverse`, { amount: '200' }), 201);

      const feed = await readFeed(harness, { limit: 7 });
      for (const [index, event] of feed.entries()) assert.equal(event.position, String(index + 1), 'positions are 1, 2, 3… with no gap');
      const transactionEvents = feed.filter((event) => event.type === 'transaction.posted' || event.type === 'transaction.pending');
      const rows = await harness.store.database.query<{ id: string; status: string }>('select id::text, status from transactions order by seq');
      assert.deepEqual(
        transactionEvents.map((event) => event.subjectId).sort(),
        rows.map((row) => row.id).sort(),
        'one event per transaction, one transaction per event',
      );
      assert.equal(new Set(transactionEvents.map((event) => event.subjectId)).size, transactionEvents.length);
      const reversal = feed.filter((event) => event.type === 'transaction.reversed');
      assert.equal(reversal.length, 1);
      assert.equal(reversal[0]?.subjectId, reversed.id);
      assert.equal(reversal[0]?.data.reversalAmount, '200');
      const created = feed.filter((event) => event.type === 'wallet.created').map((event) => event.subjectId);
      assert.ok(created.includes(alice.id) && created.includes(bob.id));
    });

    it('replays from any cursor or position: the tail read later equals the tail of the full read', async () => {
      const full = await readFeed(harness);
      assert.ok(full.length > 10);
      const middle = full[Math.floor(full.length / 2)]?.position as string;
      const tail = await readFeed(harness, { after: middle, limit: 3 });
      assert.deepEqual(
        tail,
        full.filter((event) => BigInt(event.position) > BigInt(middle)),
      );
      const page = expectStatus<{ data: unknown[]; nextCursor: string }>(await harness.request('GET', `/v1/events?after=${full.at(-1)?.position}`), 200);
      assert.deepEqual(page.data, []);
      const again = expectStatus<{ data: unknown[]; nextCursor: string }>(await harness.request('GET', `/v1/events?cursor=${page.nextCursor}`), 200);
      assert.deepEqual(again.data, [], 'the cursor of an empty page stays where it was');
    });

    it('writes no event for a refused request', async () => {
      const before = (await readFeed(harness)).length;
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '99999999999' }),
        422,
        'insufficient_funds',
      );
      expectProblem(await harness.request('POST', '/v1/wallets', { currencyId: usd.id, type: 'issuing' }), 422, 'system_wallet_not_allowed');
      assert.equal((await readFeed(harness)).length, before);
      const unsealed = await harness.store.database.query('select count(*)::int as n from events where position is null');
      assert.equal(unsealed[0]?.n, 0);
    });

    it("shows a merchant key only its merchant's events, and filters by type", async () => {
      const otherKey = await harness.merchantKey('m-b');
      const carol = await wallet(harness, usd.id, { customerId: 'carol' }, otherKey);
      const seen = await readFeed(harness, { key: otherKey });
      assert.deepEqual(
        seen.map((event) => event.subjectId),
        [carol.id],
      );
      const ownKey = await harness.merchantKey('m-a');
      const own = await readFeed(harness, { key: ownKey });
      assert.ok(own.length > 40);
      assert.ok(own.every((event) => event.merchantId === 'm-a'));
      const onlyWallets = await readFeed(harness, { types: 'wallet.created' });
      assert.ok(onlyWallets.length > 0 && onlyWallets.every((event) => event.type === 'wallet.created'));
      expectProblem(await harness.request('GET', '/v1/events?types=wallet.exploded'), 400, 'validation_failed');
      expectProblem(await harness.request('GET', '/v1/events?cursor=bm90LWEtbnVtYmVy'), 400, 'validation_failed');
    });

    it('streams events live as server-sent events, resuming after Last-Event-ID', async () => {
      const last = (await readFeed(harness)).at(-1)?.position as string;
      await harness.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = harness.app.server.address() as AddressInfo;
      const abort = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/v1/events/stream`, {
        headers: { authorization: `Bearer ${harness.adminKey}`, 'last-event-id': last },
        signal: abort.signal,
      });
      assert.equal(response.status, 200);
      assert.match(String(response.headers.get('content-type')), /text\/event-stream/);
      const made = await topup(harness, alice.id, '5');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (!text.includes(String(made.id)) && Date.now() < deadline) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      abort.abort();
      assert.ok(text.includes(String(made.id)), text);
      assert.match(text, new RegExp(`id: ${BigInt(last) + 1n}\\nevent: transaction.posted\\n`));
      assert.ok(!text.includes(`id: ${last}\n`), 'resumes after Last-Event-ID');
    });
  });
}
