/**
 * The SDK against a real listening server, on each backend: every resource's methods answer the
 * documented shapes, lists iterate across pages, amounts go in as bigint or strings and come back
 * as strings, refusals become CofferError with the catalogue's code, and webhooks the server signs
 * verify with verifyWebhook.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Coffer, CofferError, verifyWebhook, type Wallet } from '../../packages/sdk/src/index.js';
import { deliverDue } from '../../src/services/webhook-worker.js';
import { backends } from '../support/backends.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { type SdkServer, startSdkServer } from './server.js';

async function refusal(promise: Promise<unknown>): Promise<CofferError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CofferError, `expected a CofferError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

for (const backend of backends) {
  describe(`sdk resources [${backend.name}]`, () => {
    let server: SdkServer;
    let coffer: Coffer;
    let receiver: Receiver;
    let usd: { id: string; fraction: number };
    let eur: { id: string };
    let alice: Wallet;
    let bob: Wallet;
    before(async () => {
      server = await startSdkServer(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      coffer = server.client();
      receiver = await startReceiver();
      usd = await coffer.currencies.importIso('USD');
      eur = await coffer.currencies.importIso('EUR');
      alice = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'm-sdk', customerId: 'alice' });
      bob = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'm-sdk', customerId: 'bob' });
    });
    after(async () => {
      await server.harness.assertLedgerConsistent();
      await receiver.close();
      await server.close();
    });

    it('currencies: create, get, update, list, importIso; a refusal carries status, code, detail, errors[] and requestId', async () => {
      const points = await coffer.currencies.create({ code: 'PTS', name: 'Points', fraction: 1, assetType: 'points' });
      assert.equal(points.code, 'PTS');
      assert.equal((await coffer.currencies.get(points.id)).name, 'Points');
      assert.equal((await coffer.currencies.update(points.id, { name: 'Loyalty points' })).name, 'Loyalty points');
      const codes: string[] = [];
      for await (const currency of coffer.currencies.list({ limit: 1 })) codes.push(currency.code);
      assert.deepEqual([...codes].sort(), ['EUR', 'PTS', 'USD'], 'iterating walks every page of one item');
      const first = await coffer.currencies.list({ limit: 2 }).page();
      assert.equal(first.data.length, 2);
      assert.equal(typeof first.nextCursor, 'string');
      const invalid = await refusal(coffer.currencies.create({ code: 'bad code!', name: 'x', fraction: 3, assetType: 'fiat' }));
      assert.equal(invalid.status, 400);
      assert.ok(invalid.code === 'validation_failed' || invalid.code === 'currency_code_invalid' || invalid.code === 'currency_fraction_invalid', invalid.code);
      assert.equal(typeof invalid.detail, 'string');
      assert.equal(typeof invalid.requestId, 'string');
      const missing = await refusal(coffer.currencies.get('00000000-0000-4000-8000-000000000000'));
      assert.equal(missing.status, 404);
      assert.equal(missing.code, 'not_found');
      const unknownIso = await refusal(coffer.currencies.importIso('XYZ'));
      assert.equal(unknownIso.code, 'iso_currency_unknown');
    });

    it('wallets, top-ups, transfers, withdrawals, adjustments, transactions: amounts in as bigint or string, out as strings', async () => {
      const topup = await coffer.topups.create({ walletId: alice.id, amount: 10_000n, description: 'salary' });
      assert.equal(topup.amount, '10000');
      assert.equal(topup.kind, 'topup');
      const transfer = await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '2500' });
      assert.equal(transfer.status, 'posted');
      await coffer.withdrawals.create({ walletId: bob.id, amount: 500n });
      await coffer.adjustments.create({ walletId: bob.id, amount: '1', direction: 'credit', reason: 'goodwill' });
      const balance = await coffer.wallets.balance(bob.id);
      assert.equal(balance.balance.available, '2001');
      assert.equal((await coffer.wallets.get(alice.id)).balance.available, '7500');
      const renamed = await coffer.wallets.update(alice.id, { name: 'Alice main' });
      assert.equal(renamed.name, 'Alice main');
      const mine: string[] = [];
      for await (const wallet of coffer.wallets.list({ merchantId: 'm-sdk', limit: 1 })) mine.push(wallet.id);
      assert.deepEqual(mine.sort(), [alice.id, bob.id].sort());
      const entries = await coffer.wallets.entries(bob.id).toArray();
      assert.equal(entries.length, 3);
      const fetched = await coffer.transactions.get(transfer.id);
      assert.equal(fetched.amount, '2500');
      const reversal = await coffer.transactions.reverse(transfer.id, { amount: 1000n });
      assert.equal(reversal.kind, 'reversal');
      const ofAlice = await coffer.transactions.list({ walletId: alice.id }).toArray();
      assert.ok(ofAlice.some((transaction) => transaction.id === transfer.id));
      const poor = await refusal(coffer.transfers.create({ fromWalletId: bob.id, toWalletId: alice.id, amount: 10n ** 9n }));
      assert.equal(poor.status, 422);
      assert.equal(poor.code, 'insufficient_funds');
      assert.ok(poor.idempotencyKey !== undefined, 'a refused POST names the key it sent');
    });

    it('payouts: a withdrawal to an IBAN stays pending until settled or failed; custom system accounts', async () => {
      const payer = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'm-sdk', customerId: 'payer' });
      await coffer.topups.create({ walletId: payer.id, amount: 1_000n });
      const destination = { iban: 'DE89370400440532013000', name: 'Payer GmbH' };
      const failing = await coffer.withdrawals.create({ walletId: payer.id, amount: 300n, destination });
      assert.equal(failing.status, 'pending');
      assert.equal((await coffer.wallets.balance(payer.id)).balance.available, '700');
      assert.equal((await coffer.withdrawals.fail(failing.id, { reason: 'account closed at the bank' })).status, 'failed');
      const paid = await coffer.withdrawals.create({ walletId: payer.id, amount: 200n, destination });
      assert.equal((await coffer.withdrawals.settle(paid.id)).status, 'posted');
      const balance = (await coffer.wallets.balance(payer.id)).balance;
      assert.deepEqual([balance.posted, balance.held, balance.available], ['800', '0', '800']);
      const reserve = await coffer.currencies.addSystemAccount(usd.id, { type: 'reserve' });
      assert.deepEqual([reserve.category, reserve.type, reserve.currencyId], ['system', 'reserve', usd.id]);
    });

    it('an explicit Idempotency-Key makes a repeated call answer the same transaction', async () => {
      const key = `sdk-${Date.now()}`;
      const first = await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '7' }, { idempotencyKey: key });
      const second = await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '7' }, { idempotencyKey: key });
      assert.equal(second.id, first.id);
      const reused = await refusal(coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '8' }, { idempotencyKey: key }));
      assert.equal(reused.code, 'idempotency_key_reused');
    });

    it('holds: create, get, list, capture, void', async () => {
      const hold = await coffer.holds.create({ walletId: alice.id, amount: 300n });
      assert.equal(hold.status, 'pending');
      assert.equal((await coffer.holds.get(hold.id)).amount, '300');
      assert.ok((await coffer.holds.list({ walletId: alice.id }).toArray()).some((item) => item.id === hold.id));
      const captured = await coffer.holds.capture(hold.id, { amount: '100' });
      assert.equal(captured.status, 'posted');
      assert.equal(captured.capturedAmount, '100');
      const other = await coffer.holds.create({ walletId: alice.id, amount: '50' });
      assert.equal((await coffer.holds.void(other.id)).status, 'voided');
      assert.equal((await refusal(coffer.holds.void(other.id))).code, 'hold_not_pending');
    });

    it('pending credits: create, get, list, settle, fail', async () => {
      const credit = await coffer.pendingCredits.create({ walletId: bob.id, amount: '40' });
      assert.equal(credit.status, 'pending');
      assert.equal((await coffer.pendingCredits.get(credit.id)).id, credit.id);
      assert.ok((await coffer.pendingCredits.list({ walletId: bob.id }).toArray()).some((item) => item.id === credit.id));
      assert.equal((await coffer.pendingCredits.settle(credit.id)).status, 'posted');
      const doomed = await coffer.pendingCredits.create({ walletId: bob.id, amount: '41' });
      assert.equal((await coffer.pendingCredits.fail(doomed.id)).status, 'failed');
    });

    it('rates, quotes and exchanges', async () => {
      const rate = await coffer.rates.set(usd.id, eur.id, { rate: '0.92' });
      assert.equal(rate.rate, '0.92');
      assert.equal((await coffer.rates.get(usd.id, eur.id)).rate, '0.92');
      assert.ok((await coffer.rates.list().toArray()).length >= 1);
      assert.ok((await coffer.rates.history(usd.id, eur.id).toArray()).length >= 1);
      const quote = await coffer.quotes.create({ fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '1000' });
      assert.equal((await coffer.quotes.get(quote.id)).id, quote.id);
      const euros = await coffer.wallets.create({ currencyId: eur.id, merchantId: 'm-sdk', customerId: 'alice' });
      const exchange = await coffer.exchanges.create({ fromWalletId: alice.id, toWalletId: euros.id, amount: '1000', quoteId: quote.id });
      assert.equal(typeof exchange.id, 'string');
      assert.equal((await coffer.wallets.balance(euros.id)).balance.available, '920');
    });

    it('batches, reports, verify', async () => {
      const batch = await coffer.batches.create({
        atomic: true,
        items: [
          { kind: 'topup', walletId: alice.id, amount: 5n },
          { kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '5' },
        ],
      });
      assert.equal(batch.succeeded, 2);
      const trial = await coffer.reports.trialBalance();
      assert.ok(trial.data.every((line) => line.balanced));
      const report = await coffer.verify.run();
      assert.equal(report.ok, true);
    });

    it('wallet lifecycle, instruments and cards', async () => {
      const carol = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'm-sdk', customerId: 'carol' });
      const blocked = await coffer.wallets.setStatus(carol.id, { status: 'blocked', reason: 'suspected_fraud' });
      assert.equal(blocked.status, 'blocked');
      const refused = await refusal(coffer.topups.create({ walletId: carol.id, amount: '1' }));
      assert.equal(refused.code, 'wallet_blocked');
      await coffer.wallets.setStatus(carol.id, { status: 'active', reason: 'review_completed' });
      const instruments = await coffer.wallets.instruments(carol.id);
      assert.ok(Array.isArray(instruments.data));
      const iban = instruments.data.find((instrument) => instrument.iban !== null)?.iban;
      if (iban !== undefined && iban !== null) {
        const found = await coffer.instruments.find({ iban });
        assert.equal(found.data[0]?.walletId, carol.id);
      }
      const card = await coffer.wallets.createCard(carol.id, { kind: 'virtual' });
      assert.equal(typeof card.id, 'string');
      const cards = await coffer.wallets.cards(carol.id);
      assert.ok(cards.data.some((item) => item.id === card.id));
      const closed = await coffer.wallets.setStatus(carol.id, { status: 'closed', reason: 'customer_request' });
      assert.equal(closed.status, 'closed');
    });

    it('cards one by one and card authorizations; instruments added and verified', async () => {
      const dave = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'm-sdk', customerId: 'dave' });
      await coffer.topups.create({ walletId: dave.id, amount: 5000n });
      const card = await coffer.wallets.createCard(dave.id, { kind: 'plastic' });
      assert.equal((await coffer.cards.freeze(card.id)).frozenByCard, true);
      assert.equal((await refusal(coffer.cards.authorize(card.id, { amount: '100' }))).code, 'card_frozen');
      assert.equal((await coffer.cards.unfreeze(card.id)).frozen, false);
      const authorization = await coffer.cards.authorize(card.id, { amount: 1200n, merchantName: 'SDK SHOP' });
      assert.equal(authorization.status, 'pending');
      assert.equal((await coffer.cards.authorization(authorization.id)).cardId, card.id);
      assert.equal((await coffer.cards.clear(authorization.id, { amount: '1000' })).capturedAmount, '1000');
      const listed = await coffer.cards.authorizations(card.id).toArray();
      assert.deepEqual(
        listed.map((item) => item.id),
        [authorization.id],
      );
      const replacement = await coffer.cards.replace(card.id);
      assert.equal(replacement.replacesCardId, card.id);
      assert.equal((await coffer.cards.get(card.id)).active, false);
      const added = await coffer.wallets.addInstrument(dave.id, { kind: 'us_account' });
      assert.equal((await coffer.instruments.update(added.id, { status: 'REJECTED' })).status, 'REJECTED');
      assert.equal((await coffer.instruments.get(added.id)).status, 'REJECTED');
    });

    it('API keys: create, list, revoke; a revoked key is refused with 401', async () => {
      const created = await coffer.apiKeys.create({ name: 'sdk test', role: 'merchant', merchantId: 'm-sdk', scopes: ['read'] });
      assert.match(created.key, /.+/);
      const merchant = server.client({ apiKey: created.key });
      const seen = await merchant.wallets.list().toArray();
      assert.ok(seen.length >= 2 && seen.every((wallet) => wallet.merchantId === 'm-sdk'), 'a merchant key sees only its merchant');
      const forbidden = await refusal(merchant.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '1' }));
      assert.equal(forbidden.status, 403);
      assert.ok((await coffer.apiKeys.list().toArray()).some((key) => key.id === created.id));
      const revoked = await coffer.apiKeys.revoke(created.id);
      assert.notEqual(revoked.revokedAt, null);
      const unauthorized = await refusal(merchant.wallets.list().page());
      assert.equal(unauthorized.status, 401);
      assert.equal(unauthorized.code, 'unauthorized');
    });

    it('events list and audit log', async () => {
      const events = await coffer.events.list({ after: '0', limit: 5 }).toArray();
      assert.ok(events.length > 10, 'walks all pages of the feed');
      for (const [index, event] of events.entries()) assert.equal(event.position, String(index + 1));
      const audit = await coffer.auditLog.list({ limit: 2 }).toArray();
      assert.ok(audit.length >= 1);
    });

    it('webhooks: create, get, update, list, deliveries, replay; the signed delivery verifies with verifyWebhook', async () => {
      await deliverDue(server.harness.context);
      const endpoint = await coffer.webhooks.create({ url: receiver.url, eventTypes: ['transaction.posted'] });
      assert.match(endpoint.secret, /^whsec_/);
      assert.equal((await coffer.webhooks.get(endpoint.id)).url, receiver.url);
      assert.equal((await coffer.webhooks.update(endpoint.id, { description: 'ledger feed' })).description, 'ledger feed');
      assert.ok((await coffer.webhooks.list().toArray()).some((hook) => hook.id === endpoint.id));
      const posted = await coffer.topups.create({ walletId: alice.id, amount: '3' });
      assert.ok((await deliverDue(server.harness.context)) >= 1);
      const delivered = receiver.received.at(-1);
      assert.ok(delivered !== undefined);
      const event = await verifyWebhook(delivered.body, delivered.headers, endpoint.secret);
      assert.equal(event.type, 'transaction.posted');
      assert.ok(JSON.stringify(event.data).includes(posted.id), 'the delivery names the posted transaction');
      await assert.rejects(verifyWebhook(delivered.body.replace('"3"', '"4"'), delivered.headers, endpoint.secret), /signature/);
      const deliveries = await coffer.webhooks.deliveries(endpoint.id).toArray();
      assert.ok(deliveries.length >= 1);
      const replayed = await coffer.webhooks.replay(endpoint.id, deliveries[0]?.id as string);
      assert.equal(replayed.id, deliveries[0]?.id, JSON.stringify(replayed));
    });
  });
}
