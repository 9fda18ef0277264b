/**
 * Spending by card: an authorization is a hold on the card's wallet (visible as a hold too),
 * cleared in full or in part (the rest released) or reversed (voided); refused with a clear code
 * for a frozen, destroyed or expired card, a blocked wallet, or missing funds, changing nothing;
 * honours Idempotency-Key; a card's authorizations are listed newest first with a cursor;
 * parallel authorizations on one card never overdraw its wallet; another merchant's card or
 * authorization answers 404. Every scenario ends with the ledger invariant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

type Authorization = {
  id: string;
  cardId: string;
  status: string;
  amount: string;
  walletId: string;
  toWalletId: string;
  capturedAmount: string | null;
  merchantName: string | null;
};

for (const backend of backends) {
  describe(`card authorizations [${backend.name}]`, () => {
    let harness: Harness;
    let eur: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      eur = await isoCurrency(harness, 'EUR');
    });
    after(() => harness.close());

    /** A funded wallet of `merchantId` with one card. */
    const fundedCard = async (amount: string, merchantId = 'shop-a') => {
      const owner = await wallet(harness, eur.id, { merchantId });
      if (amount !== '0') await topup(harness, owner.id, amount);
      const card = expectStatus<{ id: string }>(await harness.request('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      return { walletId: owner.id, cardId: card.id };
    };
    const authorize = (cardId: string, body: Record<string, unknown>, options: { key?: string; headers?: Record<string, string> } = {}) =>
      harness.request('POST', `/v1/cards/${cardId}/authorizations`, body, options);

    it('authorizes as a hold on the card wallet, clears part of it and releases the rest', async () => {
      const { walletId, cardId } = await fundedCard('10000');
      const shop = await wallet(harness, eur.id, { merchantId: 'shop-a' });
      const authorization = expectStatus<Authorization>(
        await authorize(cardId, { amount: '2500', merchantName: 'CORNER CAFE', description: 'coffee', toWalletId: shop.id }),
        201,
      );
      assert.equal(authorization.status, 'pending');
      assert.equal(authorization.cardId, cardId);
      assert.equal(authorization.walletId, walletId);
      assert.equal(authorization.merchantName, 'CORNER CAFE');
      assert.deepEqual(
        { held: (await balanceOf(harness, walletId)).held, available: (await balanceOf(harness, walletId)).available },
        { held: '2500', available: '7500' },
      );
      // The authorization is a hold: the holds API sees the same id.
      assert.equal(expectStatus<{ status: string }>(await harness.request('GET', `/v1/holds/${authorization.id}`), 200).status, 'pending');
      assert.equal(expectStatus<Authorization>(await harness.request('GET', `/v1/authorizations/${authorization.id}`), 200).cardId, cardId);
      expectProblem(await harness.request('POST', `/v1/authorizations/${authorization.id}/clear`, { amount: '2501' }), 422, 'capture_exceeds_hold');
      const cleared = expectStatus<Authorization>(await harness.request('POST', `/v1/authorizations/${authorization.id}/clear`, { amount: '2000' }), 200);
      assert.equal(cleared.status, 'posted');
      assert.equal(cleared.capturedAmount, '2000');
      assert.equal(cleared.merchantName, 'CORNER CAFE');
      const after = await balanceOf(harness, walletId);
      assert.deepEqual([after.posted, after.held, after.available], ['8000', '0', '8000']);
      assert.equal((await balanceOf(harness, shop.id)).posted, '2000');
      expectProblem(await harness.request('POST', `/v1/authorizations/${authorization.id}/reverse`), 409, 'hold_not_pending');
      await harness.assertLedgerConsistent();
    });

    it('reverses an authorization (its hold voided) and clears another in full to the settlement account', async () => {
      const { walletId, cardId } = await fundedCard('5000');
      const first = expectStatus<Authorization>(await authorize(cardId, { amount: '1200' }), 201);
      const reversed = expectStatus<Authorization>(await harness.request('POST', `/v1/authorizations/${first.id}/reverse`), 200);
      assert.equal(reversed.status, 'voided');
      assert.equal((await balanceOf(harness, walletId)).available, '5000');
      expectProblem(await harness.request('POST', `/v1/authorizations/${first.id}/clear`, {}), 409, 'hold_not_pending');
      const second = expectStatus<Authorization>(await authorize(cardId, { amount: 700 }), 201);
      const cleared = expectStatus<Authorization>(await harness.request('POST', `/v1/authorizations/${second.id}/clear`), 200);
      assert.equal(cleared.capturedAmount, '700');
      const settlement = expectStatus<{ data: { id: string; type: string }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${eur.id}&category=system&type=settlement`),
        200,
      ).data[0];
      assert.equal(cleared.toWalletId, settlement?.id);
      assert.equal((await balanceOf(harness, walletId)).posted, '4300');
      await harness.assertLedgerConsistent();
    });

    it('refuses a frozen, destroyed or expired card, a blocked wallet and missing funds, changing nothing', async () => {
      const frozen = await fundedCard('1000');
      expectStatus(await harness.request('POST', `/v1/cards/${frozen.cardId}/freeze`), 200);
      const destroyed = await fundedCard('1000');
      expectStatus(await harness.request('POST', `/v1/cards/${destroyed.cardId}/destroy`), 200);
      const expired = await fundedCard('1000');
      await harness.store.database.query(`update cards set expiration_date = '2020-01-31' where id = $1`, [expired.cardId]);
      const blocked = await fundedCard('1000');
      expectStatus(await harness.request('POST', `/v1/wallets/${blocked.walletId}/status`, { status: 'blocked', reason: 'lost_or_stolen' }), 200);
      const poor = await fundedCard('100');
      const before = await ledgerSnapshot(harness.store);
      for (const [card, code] of [
        [frozen, 'card_frozen'],
        [destroyed, 'card_destroyed'],
        [expired, 'card_expired'],
        [blocked, 'wallet_blocked'],
        [poor, 'insufficient_funds'],
      ] as const) {
        const problem = expectProblem(await authorize(card.cardId, { amount: '500' }), 422, code);
        assert.match(String(problem.detail), /\S/);
      }
      expectProblem(await authorize(poor.cardId, { amount: '-5' }), 400, 'validation_failed');
      expectProblem(await authorize(poor.cardId, { amount: '0' }), 400, 'amount_invalid');
      assert.equal(await ledgerSnapshot(harness.store), before);
      // Unfreezing lets the card authorize again.
      expectStatus(await harness.request('POST', `/v1/cards/${frozen.cardId}/unfreeze`), 200);
      expectStatus(await authorize(frozen.cardId, { amount: '500' }), 201);
      await harness.assertLedgerConsistent();
    });

    it('honours Idempotency-Key: the same request answers the first authorization without holding twice', async () => {
      const { walletId, cardId } = await fundedCard('3000');
      const headers = { 'idempotency-key': `auth-${cardId}` };
      const first = await authorize(cardId, { amount: '1000', reference: 'r-1' }, { headers });
      const again = await authorize(cardId, { amount: '1000', reference: 'r-1' }, { headers });
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());
      assert.equal((await balanceOf(harness, walletId)).held, '1000');
      expectProblem(await authorize(cardId, { amount: '999', reference: 'r-1' }, { headers }), 422, 'idempotency_key_reused');
      const clearHeaders = { 'idempotency-key': `clear-${cardId}` };
      const id = (first.json() as Authorization).id;
      const cleared = await harness.request('POST', `/v1/authorizations/${id}/clear`, { amount: '400' }, { headers: clearHeaders });
      const replayed = await harness.request('POST', `/v1/authorizations/${id}/clear`, { amount: '400' }, { headers: clearHeaders });
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replayed.json(), cleared.json());
      assert.equal((await balanceOf(harness, walletId)).posted, '2600');
      await harness.assertLedgerConsistent();
    });

    it("lists a card's authorizations newest first, a page at a time", async () => {
      const { cardId } = await fundedCard('10000');
      const ids: string[] = [];
      for (let index = 1; index <= 5; index++) ids.push(expectStatus<Authorization>(await authorize(cardId, { amount: String(index * 10) }), 201).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page++) {
        const url: string = `/v1/cards/${cardId}/authorizations?limit=2${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const answer = expectStatus<{ data: Authorization[]; nextCursor: string | null }>(await harness.request('GET', url), 200);
        assert.ok(answer.data.length <= 2);
        seen.push(...answer.data.map((row) => row.id));
        cursor = answer.nextCursor;
        if (cursor === null) break;
      }
      assert.deepEqual(seen, [...ids].reverse());
      const other = await fundedCard('0');
      assert.deepEqual(expectStatus<{ data: unknown[] }>(await harness.request('GET', `/v1/cards/${other.cardId}/authorizations`), 200).data, []);
      await harness.assertLedgerConsistent();
    });

    it("spends a virtual wallet's card from its parent's balance", async () => {
      const parent = await wallet(harness, eur.id, { merchantId: 'shop-a', customerId: 'family' });
      await topup(harness, parent.id, '1000');
      const child = await wallet(harness, eur.id, { merchantId: 'shop-a', customerId: 'family', parentWalletId: parent.id });
      const card = expectStatus<{ id: string }>(await harness.request('POST', `/v1/wallets/${child.id}/cards`, { kind: 'virtual' }), 201);
      const authorization = expectStatus<Authorization>(await authorize(card.id, { amount: '300' }), 201);
      assert.equal(authorization.walletId, child.id);
      assert.deepEqual([(await balanceOf(harness, parent.id)).held, (await balanceOf(harness, parent.id)).available], ['300', '700']);
      expectProblem(await authorize(card.id, { amount: '701' }), 422, 'insufficient_funds');
      expectStatus(await harness.request('POST', `/v1/authorizations/${authorization.id}/clear`), 200);
      assert.equal((await balanceOf(harness, parent.id)).posted, '700');
      await harness.assertLedgerConsistent();
    });

    it('never overdraws with parallel authorizations on one card', async () => {
      const { walletId, cardId } = await fundedCard('1000');
      const answers = await Promise.all(Array.from({ length: 16 }, () => authorize(cardId, { amount: '100' })));
      const accepted = answers.filter((answer) => answer.statusCode === 201).length;
      for (const answer of answers) if (answer.statusCode !== 201) expectProblem(answer, 422, 'insufficient_funds');
      assert.equal(accepted, 10);
      const balance = await balanceOf(harness, walletId);
      assert.deepEqual([balance.held, balance.available, balance.posted], ['1000', '0', '1000']);
      await harness.assertLedgerConsistent();
    });

    it("answers 404 for another merchant's card or authorization, and needs the write scope to authorize", async () => {
      const { cardId } = await fundedCard('1000', 'shop-b');
      const mine = expectStatus<Authorization>(await authorize(cardId, { amount: '100' }, { key: await harness.merchantKey('shop-b') }), 201);
      const other = await harness.merchantKey('shop-c');
      const before = await ledgerSnapshot(harness.store);
      expectProblem(await authorize(cardId, { amount: '100' }, { key: other }), 404, 'not_found');
      expectProblem(await harness.request('GET', `/v1/cards/${cardId}/authorizations`, undefined, { key: other }), 404, 'not_found');
      expectProblem(await harness.request('GET', `/v1/authorizations/${mine.id}`, undefined, { key: other }), 404, 'not_found');
      expectProblem(await harness.request('POST', `/v1/authorizations/${mine.id}/clear`, {}, { key: other }), 404, 'not_found');
      expectProblem(await harness.request('POST', `/v1/authorizations/${mine.id}/reverse`, {}, { key: other }), 404, 'not_found');
      const readOnly = await harness.merchantKey('shop-b', ['read']);
      expectProblem(await authorize(cardId, { amount: '100' }, { key: readOnly }), 403, 'forbidden');
      assert.equal(await ledgerSnapshot(harness.store), before);
      const owner = await harness.merchantKey('shop-b');
      assert.equal(expectStatus<Authorization>(await harness.request('GET', `/v1/authorizations/${mine.id}`, undefined, { key: owner }), 200).id, mine.id);
      expectStatus(await harness.request('POST', `/v1/authorizations/${mine.id}/reverse`, {}, { key: owner }), 200);
      await harness.assertLedgerConsistent();
    });
  });
}
