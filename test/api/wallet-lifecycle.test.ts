/**
 * Wallet statuses and virtual wallets. A blocked wallet (or `inactive`, its alias) neither sends
 * nor receives (`wallet_blocked`), takes no new holds, yet its open holds can still be voided
 * or expire; unblocking restores it. Closing needs a zero balance and no open hold or pending
 * credit, is final, and records reason, description, time and the acting key. An inactive
 * currency forbids every movement. A virtual wallet shows its parent's balance, its postings
 * move the parent's counters and appear in both statements, and it is blocked or closed on its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expireDueHolds } from '../../src/services/hold-expiry.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

type WalletBody = {
  id: string;
  status: string;
  statusReason: string | null;
  statusDescription: string | null;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
};

for (const backend of backends) {
  describe(`wallet statuses and virtual wallets [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    const setStatus = (id: string, status: string, reason = 'compliance_review', key?: string) =>
      harness.request('POST', `/v1/wallets/${id}/status`, { status, reason, description: `to ${status}` }, key !== undefined ? { key } : {});
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('blocks a wallet: credits, debits and new holds are refused with wallet_blocked; open holds can be voided; unblocking restores it', async () => {
      const alice = await wallet(harness, usd.id);
      const bob = await wallet(harness, usd.id);
      await topup(harness, alice.id, '1000');
      await topup(harness, bob.id, '1000');
      const open = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: alice.id, amount: '100' }), 201);
      // A second open hold, which must survive the block untouched.
      expectStatus<{ id: string }>(
        await harness.request('POST', '/v1/holds', { walletId: alice.id, amount: '50', expiresAt: new Date(Date.now() + 60_000).toISOString() }),
        201,
      );
      const blocked = expectStatus<WalletBody>(await setStatus(alice.id, 'inactive', 'suspected_fraud'), 200);
      assert.equal(blocked.status, 'blocked');
      assert.equal(blocked.statusReason, 'suspected_fraud');
      assert.equal(blocked.statusDescription, 'to inactive');
      assert.notEqual(blocked.statusChangedAt, null);
      assert.match(String(blocked.statusChangedBy), /^[0-9a-f-]{36}$/);

      const snapshot = await ledgerSnapshot(harness.store);
      const refused: [string, unknown][] = [
        ['/v1/topups', { walletId: alice.id, amount: '1' }],
        ['/v1/withdrawals', { walletId: alice.id, amount: '1' }],
        ['/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '1' }],
        ['/v1/transfers', { fromWalletId: bob.id, toWalletId: alice.id, amount: '1' }],
        ['/v1/holds', { walletId: alice.id, amount: '1' }],
        ['/v1/holds', { walletId: bob.id, amount: '1', toWalletId: alice.id }],
        ['/v1/pending-credits', { walletId: alice.id, amount: '1' }],
        [`/v1/holds/${open.id}/capture`, {}],
      ];
      for (const [url, body] of refused) expectProblem(await harness.request('POST', url, body), 422, 'wallet_blocked');
      assert.equal(await ledgerSnapshot(harness.store), snapshot);

      expectStatus(await harness.request('POST', `/v1/holds/${open.id}/void`, {}), 200);
      assert.equal(await expireDueHolds(harness.store, new Date(Date.now() + 61_000)), 1);
      assert.deepEqual(await balanceOf(harness, alice.id), { posted: '1000', held: '0', pending: '0', available: '1000', ledger: '1000', creditLimit: '0' });

      expectStatus(await setStatus(alice.id, 'active', 'review_completed'), 200);
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '10' }), 201);
      assert.equal(
        expectStatus<{ data: WalletBody[] }>(await harness.request('GET', `/v1/wallets?status=active&currencyId=${usd.id}&category=client`), 200).data.some(
          (row) => row.id === alice.id,
        ),
        true,
      );
      await harness.assertLedgerConsistent();
    });

    it('closes only an empty wallet without open holds or pending credits; closed is final and moves nothing', async () => {
      const carol = await wallet(harness, usd.id, { customerId: 'carol', main: true });
      await topup(harness, carol.id, '200');
      expectProblem(await setStatus(carol.id, 'closed', 'customer_request'), 422, 'wallet_not_empty');
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: carol.id, amount: '200' }), 201);
      expectStatus(await harness.request('POST', `/v1/holds/${hold.id}/capture`, { amount: '100' }), 200);
      expectStatus(await harness.request('POST', '/v1/withdrawals', { walletId: carol.id, amount: '100' }), 201);
      const open = expectStatus<{ id: string }>(await harness.request('POST', '/v1/pending-credits', { walletId: carol.id, amount: '5' }), 201);
      expectProblem(await setStatus(carol.id, 'closed', 'customer_request'), 422, 'wallet_has_open_holds');
      expectStatus(await harness.request('POST', `/v1/pending-credits/${open.id}/fail`, {}), 200);

      const closed = expectStatus<WalletBody>(await setStatus(carol.id, 'closed', 'customer_request'), 200);
      assert.equal(closed.status, 'closed');
      for (const status of ['active', 'blocked', 'inactive', 'closed']) expectProblem(await setStatus(carol.id, status, 'other'), 422, 'wallet_closed');
      expectProblem(await harness.request('POST', '/v1/topups', { walletId: carol.id, amount: '1' }), 422, 'wallet_closed');
      expectProblem(await harness.request('POST', '/v1/holds', { walletId: carol.id, amount: '1' }), 422, 'wallet_closed');
      // Closing frees the customer's main slot for a new wallet.
      await wallet(harness, usd.id, { customerId: 'carol', main: true });
      await harness.assertLedgerConsistent();
    });

    it('refuses bad status changes with their codes', async () => {
      const dave = await wallet(harness, usd.id, { merchantId: 'acme' });
      const system = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', `/v1/wallets?currencyId=${usd.id}&category=system`), 200);
      const cases: [string, unknown, number, string][] = [
        ['unknown status', { status: 'frozen', reason: 'other' }, 400, 'validation_failed'],
        ['reason not in the list', { status: 'blocked', reason: 'because' }, 400, 'validation_failed'],
        ['unknown field', { status: 'blocked', reason: 'other', color: 'red' }, 400, 'validation_failed'],
      ];
      for (const [name, body, status, code] of cases) {
        const answer = await harness.request('POST', `/v1/wallets/${dave.id}/status`, body);
        assert.equal(answer.statusCode, status, name);
        expectProblem(answer, status, code);
      }
      expectProblem(await setStatus(system.data[0]?.id ?? '', 'blocked'), 422, 'system_wallet_not_allowed');
      expectProblem(await setStatus(dave.id, 'blocked', 'other', await harness.merchantKey('globex')), 404, 'not_found');
      expectProblem(await setStatus(dave.id, 'blocked', 'other', await harness.merchantKey('acme', ['read'])), 403, 'forbidden');
      const byMerchant = expectStatus<WalletBody>(await setStatus(dave.id, 'blocked', 'merchant_request', await harness.merchantKey('acme')), 200);
      assert.equal(byMerchant.status, 'blocked');
      assert.notEqual(byMerchant.statusChangedBy, expectStatus<WalletBody>(await setStatus(dave.id, 'blocked', 'other'), 200).statusChangedBy);
    });

    it('forbids every movement on the wallets of an inactive currency', async () => {
      const gbp = await isoCurrency(harness, 'GBP');
      const erin = await wallet(harness, gbp.id);
      await topup(harness, erin.id, '100');
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: erin.id, amount: '10' }), 201);
      expectStatus(await harness.request('PATCH', `/v1/currencies/${gbp.id}`, { active: false }), 200);
      const snapshot = await ledgerSnapshot(harness.store);
      for (const [url, body] of [
        ['/v1/topups', { walletId: erin.id, amount: '1' }],
        ['/v1/holds', { walletId: erin.id, amount: '1' }],
        ['/v1/pending-credits', { walletId: erin.id, amount: '1' }],
        [`/v1/holds/${hold.id}/capture`, {}],
        [`/v1/holds/${hold.id}/void`, {}],
      ] as const) {
        expectProblem(await harness.request('POST', url, body), 422, 'currency_inactive');
      }
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
      await harness.assertLedgerConsistent();
    });

    it('shows a virtual wallet its parent balance; its postings move the parent and appear in both statements', async () => {
      const parent = await wallet(harness, usd.id, { customerId: 'frank', creditLimit: '50' });
      const virtual = await wallet(harness, usd.id, { customerId: 'frank', parentWalletId: parent.id });
      const stranger = await wallet(harness, usd.id, { customerId: 'grace' });
      expectProblem(
        await harness.request('POST', '/v1/wallets', { currencyId: usd.id, customerId: 'grace', parentWalletId: parent.id }),
        422,
        'wallet_not_virtual_parent',
      );
      await topup(harness, virtual.id, '300');
      assert.deepEqual(await balanceOf(harness, parent.id), { posted: '300', held: '0', pending: '0', available: '300', ledger: '300', creditLimit: '50' });
      assert.deepEqual(await balanceOf(harness, virtual.id), await balanceOf(harness, parent.id));
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: virtual.id, amount: '100' }), 201);
      assert.equal((await balanceOf(harness, parent.id)).held, '100');
      // The parent's money and credit limit are the virtual wallet's: 300 − 100 held + 50.
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: virtual.id, toWalletId: stranger.id, amount: '251' }),
        422,
        'insufficient_funds',
      );
      expectStatus(await harness.request('POST', `/v1/holds/${hold.id}/capture`, {}), 200);
      const statement = async (id: string) =>
        expectStatus<{ data: { transactionId: string; walletId: string }[] }>(await harness.request('GET', `/v1/wallets/${id}/entries`), 200).data.map(
          (entry) => entry.transactionId,
        );
      assert.ok((await statement(virtual.id)).includes(hold.id));
      assert.ok((await statement(parent.id)).includes(hold.id));
      const listed = expectStatus<{ data: { id: string; balance: { posted: string } }[] }>(
        await harness.request('GET', `/v1/wallets?parentWalletId=${parent.id}`),
        200,
      );
      assert.deepEqual(
        listed.data.map((row) => [row.id, row.balance.posted]),
        [[virtual.id, '200']],
      );

      // Blocked on its own: the virtual wallet stops, its parent goes on.
      expectStatus(await setStatus(virtual.id, 'blocked'), 200);
      expectProblem(await harness.request('POST', '/v1/topups', { walletId: virtual.id, amount: '1' }), 422, 'wallet_blocked');
      expectStatus(await harness.request('POST', '/v1/topups', { walletId: parent.id, amount: '1' }), 201);
      // A blocked parent stops its virtual wallets too.
      expectStatus(await setStatus(virtual.id, 'active'), 200);
      expectStatus(await setStatus(parent.id, 'blocked'), 200);
      expectProblem(await harness.request('POST', '/v1/topups', { walletId: virtual.id, amount: '1' }), 422, 'wallet_blocked');
      expectStatus(await setStatus(parent.id, 'active'), 200);
      // Closed on its own, while the parent holds money; the parent closes only after its virtual wallets.
      expectStatus(await harness.request('POST', '/v1/withdrawals', { walletId: parent.id, amount: '201' }), 201);
      expectProblem(await setStatus(parent.id, 'closed', 'customer_request'), 422, 'wallet_has_virtual_wallets');
      expectStatus(await setStatus(virtual.id, 'closed', 'customer_request'), 200);
      expectStatus(await setStatus(parent.id, 'closed', 'customer_request'), 200);
      await harness.assertLedgerConsistent();
    });
  });
}
