/**
 * What the seeds ask of /v1 (issue 17): statuses as the seeds use them (reason optional, DELETE
 * terminates, ?status=inactive, status history), wallet numbers wherever a wallet id is, and
 * instruments found by UK and US account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Json = Record<string, unknown>;

for (const backend of backends) {
  describe(`seeds in /v1 [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let gbp: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      gbp = await isoCurrency(harness, 'GBP');
    });
    after(() => harness.close());

    it('item 3: reason optional, ?status=inactive, status history kept across a reactivation, DELETE closes', async () => {
      const alice = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'alice' });
      assert.equal(expectStatus<Json>(await harness.request('POST', `/v1/wallets/${alice.id}/status`, { status: 'inactive' }), 200).status, 'blocked');
      const listed = expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=inactive&merchantId=m-status'), 200).data;
      assert.deepEqual(
        listed.map((item) => item.id),
        [alice.id],
      );
      assert.equal(expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=blocked&merchantId=m-status'), 200).data.length, 1);
      expectStatus(
        await harness.request('POST', `/v1/wallets/${alice.id}/status`, { status: 'active', reason: 'review_completed', description: 'cleared' }),
        200,
      );
      assert.equal(expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?status=inactive&merchantId=m-status'), 200).data.length, 0);
      const history = expectStatus<{ data: Json[]; nextCursor: string | null }>(await harness.request('GET', `/v1/wallets/${alice.id}/status-history`), 200);
      assert.deepEqual(
        history.data.map((entry) => [entry.previousStatus, entry.status, entry.reason, entry.description]),
        [
          ['blocked', 'active', 'review_completed', 'cleared'],
          ['active', 'blocked', null, null],
        ],
      );
      const page = expectStatus<{ data: Json[]; nextCursor: string | null }>(
        await harness.request('GET', `/v1/wallets/${alice.id}/status-history?limit=1`),
        200,
      );
      assert.equal(page.data.length, 1);
      assert.equal(
        expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/wallets/${alice.id}/status-history?cursor=${page.nextCursor}`), 200).data[0]?.status,
        'blocked',
      );
      // Another merchant sees no history; DELETE refuses a wallet with money, then closes an empty one.
      const stranger = await harness.merchantKey('m-stranger');
      expectProblem(await harness.request('GET', `/v1/wallets/${alice.id}/status-history`, undefined, { key: stranger }), 404, 'not_found');
      expectProblem(await harness.request('DELETE', `/v1/wallets/${alice.id}`, undefined, { key: stranger }), 404, 'not_found');
      await topup(harness, alice.id, '100');
      expectProblem(await harness.request('DELETE', `/v1/wallets/${alice.id}`), 422, 'wallet_not_empty');
      const bob = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'bob' });
      const closed = expectStatus<Json>(await harness.request('DELETE', `/v1/wallets/${bob.id}`), 200);
      assert.equal(closed.status, 'closed');
      const withReason = await wallet(harness, usd.id, { merchantId: 'm-status', customerId: 'carol' });
      assert.equal(
        expectStatus<Json>(await harness.request('DELETE', `/v1/wallets/${withReason.id}?reason=customer_request&description=moved%20away`), 200).statusReason,
        'customer_request',
      );
      expectProblem(await harness.request('DELETE', `/v1/wallets/${bob.id}`), 422, 'wallet_closed');
      expectProblem(await harness.request('POST', `/v1/wallets/${bob.id}/status`, { status: 'active' }), 422, 'wallet_closed');
      await harness.assertLedgerConsistent();
    });

    it('item 1: a wallet number works in paths, bodies, batch items and query filters; UK and US accounts find their wallet', async () => {
      const from = await wallet(harness, usd.id, { merchantId: 'm-serial', customerId: 'payer' });
      const to = await wallet(harness, usd.id, { merchantId: 'm-serial', customerId: 'payee' });
      assert.match(from.serial, /^840_[0-9]{10}$/);
      assert.equal(expectStatus<Json>(await harness.request('GET', `/v1/wallets/${from.serial}`), 200).id, from.id);
      expectStatus(await harness.request('POST', '/v1/topups', { walletId: from.serial, amount: '1000' }), 201);
      const transfer = expectStatus<Json>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: from.serial, toWalletId: to.serial, amount: '300' }),
        201,
      );
      assert.equal(transfer.fromWalletId, from.id);
      assert.equal(transfer.toWalletId, to.id);
      const batch = await harness.request('POST', '/v1/batches', {
        atomic: true,
        items: [{ kind: 'transfer', fromWalletId: to.serial, toWalletId: from.serial, amount: '100' }],
      });
      assert.ok(batch.statusCode === 200 || batch.statusCode === 201, batch.body);
      assert.equal(expectStatus<Json>(await harness.request('GET', `/v1/wallets/${to.serial}/balance`), 200).walletId, to.id);
      assert.equal(expectStatus<{ balance: Json }>(await harness.request('GET', `/v1/wallets/${to.id}`), 200).balance.posted, '200');
      const entries = expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/wallets/${from.serial}/entries`), 200).data;
      assert.equal(entries.length, 3);
      const byQuery = expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/transactions?walletId=${to.serial}`), 200).data;
      assert.equal(byQuery.length, 2);
      // Unknown and foreign serials answer 404 alike; a serial a merchant may not see moves nothing.
      expectProblem(await harness.request('GET', '/v1/wallets/840_9999999999'), 404, 'not_found');
      const stranger = await harness.merchantKey('m-serial-other');
      const foreign = expectProblem(await harness.request('GET', `/v1/wallets/${from.serial}`, undefined, { key: stranger }), 404, 'not_found');
      // The answer names the serial sent, never the id behind it (that would map another merchant's numbers to ids).
      assert.ok(!JSON.stringify(foreign).includes(from.id), JSON.stringify(foreign));
      assert.match(String(foreign.detail), new RegExp(from.serial));
      const mine = await wallet(harness, usd.id, { customerId: 'x' }, stranger);
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: from.serial, toWalletId: mine.serial, amount: '1' }, { key: stranger }),
        404,
        'not_found',
      );
      for (const path of [`/v1/wallets/${from.serial}/entries`, `/v1/transactions?walletId=${from.serial}`]) {
        const answer = await harness.request('GET', path, undefined, { key: stranger });
        assert.ok(!answer.body.includes(from.id), `${path}: ${answer.body}`);
      }
      // UK sort code + account number, US routing + account number.
      const uk = await wallet(harness, gbp.id, { merchantId: 'm-serial' });
      const [ukInstrument] = expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/wallets/${uk.serial}/instruments`), 200).data;
      const sortCode = String(ukInstrument?.sortCode);
      const foundUk = expectStatus<{ data: Json[] }>(
        await harness.request(
          'GET',
          `/v1/instruments?sortCode=${sortCode.slice(0, 2)}-${sortCode.slice(2, 4)}-${sortCode.slice(4)}&accountNumber=${String(ukInstrument?.accountNumber)}`,
        ),
        200,
      ).data;
      assert.deepEqual(
        foundUk.map((item) => item.walletId),
        [uk.id],
      );
      const [usInstrument] = expectStatus<{ data: Json[] }>(await harness.request('GET', `/v1/wallets/${from.id}/instruments`), 200).data;
      const foundUs = expectStatus<{ data: Json[] }>(
        await harness.request(
          'GET',
          `/v1/instruments?routingNumber=${String(usInstrument?.routingNumber)}&accountNumber=${String(usInstrument?.accountNumber)}`,
        ),
        200,
      ).data;
      assert.deepEqual(
        foundUs.map((item) => item.walletId),
        [from.id],
      );
      assert.equal(
        expectStatus<{ data: Json[] }>(
          await harness.request(
            'GET',
            `/v1/instruments?routingNumber=${String(usInstrument?.routingNumber)}&accountNumber=${String(usInstrument?.accountNumber)}`,
            undefined,
            { key: stranger },
          ),
          200,
        ).data.length,
        0,
      );
      expectProblem(await harness.request('GET', `/v1/instruments?sortCode=${sortCode}`), 400, 'validation_failed');
      expectProblem(await harness.request('GET', '/v1/instruments'), 400, 'validation_failed');
      await harness.assertLedgerConsistent();
    });

    it('item 2: a wallet names its currency inline; ?expand=instruments,cards returns them in the same answer', async () => {
      const created = expectStatus<Json>(await harness.request('POST', '/v1/wallets', { currencyId: gbp.id, merchantId: 'm-expand', customerId: 'eve' }), 201);
      const expected = { id: gbp.id, code: 'GBP', symbol: '£', fraction: 100, assetType: 'fiat' };
      assert.deepEqual(created.currency, expected);
      const id = String(created.id);
      expectStatus(await harness.request('POST', `/v1/wallets/${id}/cards`, { kind: 'plastic', name: 'EVE' }), 201);
      const plain = expectStatus<Json>(await harness.request('GET', `/v1/wallets/${id}`), 200);
      assert.deepEqual(plain.currency, expected);
      assert.equal(plain.instruments, undefined);
      assert.equal(plain.cards, undefined);
      const full = expectStatus<{ instruments: Json[]; cards: Json[] }>(await harness.request('GET', `/v1/wallets/${id}?expand=instruments,cards`), 200);
      assert.equal(full.instruments.length, 1);
      assert.equal(full.instruments[0]?.kind, 'uk_account');
      assert.equal(full.cards.length, 1);
      assert.match(String(full.cards[0]?.maskedNumber), /^[0-9]{6}\*+[0-9]{4}$/);
      const list = expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/wallets?merchantId=m-expand&expand=cards'), 200).data;
      assert.equal(list.length, 1);
      assert.deepEqual(list[0]?.currency, expected);
      assert.equal((list[0]?.cards as Json[] | undefined)?.length, 1);
      assert.equal(list[0]?.instruments, undefined);
      expectProblem(await harness.request('GET', `/v1/wallets/${id}?expand=everything`), 400, 'validation_failed');
      // Status answers carry it too.
      assert.deepEqual(expectStatus<Json>(await harness.request('POST', `/v1/wallets/${id}/status`, { status: 'blocked' }), 200).currency, expected);
    });

    it('item 9: custom codes may be lower case; numericCode (digitalCode) is any 1-8 characters and patchable', async () => {
      const btc = expectStatus<Json>(
        await harness.request('POST', '/v1/currencies', { code: 'btc', numericCode: 'XBT-1', name: 'Bitcoin', fraction: 100000000, assetType: 'crypto' }),
        201,
      );
      assert.equal(btc.code, 'btc');
      assert.equal(btc.numericCode, 'XBT-1');
      const patched = expectStatus<Json>(await harness.request('PATCH', `/v1/currencies/${String(btc.id)}`, { numericCode: '1000' }), 200);
      assert.equal(patched.numericCode, '1000');
      assert.equal(expectStatus<Json>(await harness.request('GET', `/v1/currencies/${String(btc.id)}`), 200).numericCode, '1000');
      const listed = expectStatus<{ data: Json[] }>(await harness.request('GET', '/v1/currencies?code=btc'), 200).data;
      assert.deepEqual(
        listed.map((item) => item.id),
        [btc.id],
      );
      const seedView = expectStatus<Json[]>(await harness.request('GET', '/compat/currencies?currencyCode=btc'), 200);
      assert.equal(seedView[0]?.digitalCode, '1000');
      expectProblem(
        await harness.request('POST', '/v1/currencies', { code: 'usdt', numericCode: '123456789', name: 'Tether', fraction: 1000000, assetType: 'crypto' }),
        400,
        'validation_failed',
      );
      expectProblem(await harness.request('PATCH', `/v1/currencies/${String(btc.id)}`, { numericCode: '' }), 400, 'validation_failed');
      // A wallet in a lower-case currency works like any other.
      const holder = await wallet(harness, String(btc.id), { customerId: 'satoshi' });
      await topup(harness, holder.id, '50000');
      assert.equal(expectStatus<Json>(await harness.request('GET', `/compat/wallets/${holder.serial}`), 200).currency, 'btc');
      await harness.assertLedgerConsistent();
    });
  });
}
