/**
 * Holds and pending credits: a hold moves `held` and `available` at once; capture posts all or
 * part and releases the rest, void releases, expiry releases due holds; a resolved hold cannot
 * be resolved again. Pending credits grow `pending` and `ledger` but not `available`, then
 * settle or fail. Bad input is refused with its code and changes nothing. Every scenario ends
 * with the ledger invariant (pending sums included).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expireDueHolds } from '../../src/services/hold-expiry.js';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

type Hold = {
  id: string;
  status: string;
  amount: string;
  capturedAmount: string | null;
  expiresAt: string;
  walletId: string;
  toWalletId: string;
  resolvedAt: string | null;
};
type PendingCredit = { id: string; status: string; walletId: string; fromWalletId: string; settledAmount: string | null };

for (const backend of backends) {
  describe(`holds and pending credits [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let shop: WalletRecord;
    const hold = async (walletId: string, amount: string, extra: Record<string, unknown> = {}) =>
      expectStatus<Hold>(await harness.request('POST', '/v1/holds', { walletId, amount, ...extra }), 201);
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      shop = await wallet(harness, usd.id, { name: 'shop' });
    });
    after(() => harness.close());

    it('reserves at once, then captures part: the rest goes back, the target gets the captured part', async () => {
      const alice = await wallet(harness, usd.id);
      await topup(harness, alice.id, '1000');
      const created = await hold(alice.id, '400', { toWalletId: shop.id, reference: 'order-1' });
      assert.equal(created.status, 'pending');
      assert.deepEqual(await balanceOf(harness, alice.id), { posted: '1000', held: '400', pending: '0', available: '600', ledger: '1000', creditLimit: '0' });
      assert.equal((await balanceOf(harness, shop.id)).pending, '400');

      const captured = expectStatus<Hold>(await harness.request('POST', `/v1/holds/${created.id}/capture`, { amount: '250' }), 200);
      assert.equal(captured.status, 'posted');
      assert.equal(captured.capturedAmount, '250');
      assert.notEqual(captured.resolvedAt, null);
      assert.deepEqual(await balanceOf(harness, alice.id), { posted: '750', held: '0', pending: '0', available: '750', ledger: '750', creditLimit: '0' });
      const shopBalance = await balanceOf(harness, shop.id);
      assert.equal(shopBalance.pending, '0');
      assert.equal(BigInt(shopBalance.posted) >= 250n, true);

      // The hold's id is its transaction's id: pending, release and posted entries on one transaction.
      const transaction = expectStatus<{ status: string; kind: string; entries: { pending: boolean; amount: string }[] }>(
        await harness.request('GET', `/v1/transactions/${created.id}`),
        200,
      );
      assert.equal(transaction.kind, 'hold');
      assert.equal(transaction.status, 'posted');
      assert.deepEqual(
        transaction.entries.map((entry) => `${entry.pending}:${entry.amount}`),
        ['true:400', 'true:400', 'true:-400', 'true:-400', 'false:250', 'false:250'],
      );
      await harness.assertLedgerConsistent();
    });

    it('defaults the target to the settlement account and the expiry to the documented lifetime; captures all by default', async () => {
      const bob = await wallet(harness, usd.id);
      await topup(harness, bob.id, '500');
      const before = Date.now();
      const created = await hold(bob.id, '500');
      const system = expectStatus<{ data: { id: string; type: string }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${usd.id}&category=system`),
        200,
      );
      assert.equal(created.toWalletId, system.data.find((row) => row.type === 'settlement')?.id);
      const lifetimeMs = Date.parse(created.expiresAt) - before;
      assert.ok(lifetimeMs > 7 * 24 * 3_600_000 - 60_000 && lifetimeMs <= 7 * 24 * 3_600_000 + 60_000, `default lifetime ${lifetimeMs}`);
      const captured = expectStatus<Hold>(await harness.request('POST', `/v1/holds/${created.id}/capture`, {}), 200);
      assert.equal(captured.capturedAmount, '500');
      assert.equal((await balanceOf(harness, bob.id)).posted, '0');
      await harness.assertLedgerConsistent();
    });

    it('voids: everything comes back; a resolved hold cannot be captured or voided again', async () => {
      const carol = await wallet(harness, usd.id);
      await topup(harness, carol.id, '300');
      const created = await hold(carol.id, '300');
      assert.equal((await balanceOf(harness, carol.id)).available, '0');
      // No body at all means {}.
      const voided = expectStatus<Hold>(await harness.request('POST', `/v1/holds/${created.id}/void`), 200);
      assert.equal(voided.status, 'voided');
      assert.deepEqual(await balanceOf(harness, carol.id), { posted: '300', held: '0', pending: '0', available: '300', ledger: '300', creditLimit: '0' });
      const snapshot = await ledgerSnapshot(harness.store);
      expectProblem(await harness.request('POST', `/v1/holds/${created.id}/void`, {}), 409, 'hold_not_pending');
      expectProblem(await harness.request('POST', `/v1/holds/${created.id}/capture`, {}), 409, 'hold_not_pending');
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
      await harness.assertLedgerConsistent();
    });

    it('refuses bad holds and captures with their codes and changes nothing', async () => {
      const dave = await wallet(harness, usd.id, { creditLimit: '100' });
      await topup(harness, dave.id, '200');
      const open = await hold(dave.id, '50');
      const eur = await isoCurrency(harness, 'EUR');
      const euroWallet = await wallet(harness, eur.id);
      const soon = new Date(Date.now() + 60_000).toISOString();
      const cases: [string, string, unknown, number, string][] = [
        ['over available + credit limit', '/v1/holds', { walletId: dave.id, amount: '251' }, 422, 'insufficient_funds'],
        ['zero amount', '/v1/holds', { walletId: dave.id, amount: '0' }, 400, 'amount_invalid'],
        ['float amount', '/v1/holds', { walletId: dave.id, amount: 1.5 }, 400, 'validation_failed'],
        ['expiry in the past', '/v1/holds', { walletId: dave.id, amount: '1', expiresAt: '2020-01-01T00:00:00Z' }, 400, 'hold_expiry_invalid'],
        [
          'expiry beyond 30 days',
          '/v1/holds',
          { walletId: dave.id, amount: '1', expiresAt: new Date(Date.now() + 31 * 86_400_000).toISOString() },
          400,
          'hold_expiry_invalid',
        ],
        ['target in another currency', '/v1/holds', { walletId: dave.id, amount: '1', toWalletId: euroWallet.id, expiresAt: soon }, 422, 'currency_mismatch'],
        ['target is itself', '/v1/holds', { walletId: dave.id, amount: '1', toWalletId: dave.id }, 422, 'same_wallet'],
        ['unknown wallet', '/v1/holds', { walletId: '00000000-0000-7000-8000-000000000000', amount: '1' }, 404, 'not_found'],
        ['unknown field', '/v1/holds', { walletId: dave.id, amount: '1', color: 'red' }, 400, 'validation_failed'],
        ['capture more than held', `/v1/holds/${open.id}/capture`, { amount: '51' }, 422, 'capture_exceeds_hold'],
        ['capture zero', `/v1/holds/${open.id}/capture`, { amount: '0' }, 400, 'amount_invalid'],
        ['capture an unknown hold', '/v1/holds/00000000-0000-7000-8000-000000000000/capture', {}, 404, 'not_found'],
        ['void with a body it does not take', `/v1/holds/${open.id}/void`, { amount: '1' }, 400, 'validation_failed'],
      ];
      const snapshot = await ledgerSnapshot(harness.store);
      for (const [name, url, body, status, code] of cases) {
        const answer = await harness.request('POST', url, body);
        assert.equal(answer.statusCode, status, `${name}: ${answer.body}`);
        expectProblem(answer, status, code);
      }
      assert.equal(await ledgerSnapshot(harness.store), snapshot);
      // The credit limit counts: 200 + 100 − 50 held = 250 can still be reserved.
      await hold(dave.id, '250');
      assert.equal((await balanceOf(harness, dave.id)).available, '-100');
      await harness.assertLedgerConsistent();
    });

    it('lists holds per wallet and by status, with another merchant seeing none of them', async () => {
      const erin = await wallet(harness, usd.id, { merchantId: 'acme' });
      await topup(harness, erin.id, '100');
      const first = await hold(erin.id, '10');
      const second = await hold(erin.id, '20');
      expectStatus(await harness.request('POST', `/v1/holds/${first.id}/void`, {}), 200);
      const pending = expectStatus<{ data: Hold[] }>(await harness.request('GET', `/v1/holds?walletId=${erin.id}&status=pending`), 200);
      assert.deepEqual(
        pending.data.map((row) => row.id),
        [second.id],
      );
      const all = expectStatus<{ data: Hold[]; nextCursor: string | null }>(await harness.request('GET', `/v1/holds?walletId=${erin.id}&limit=1`), 200);
      assert.deepEqual(
        all.data.map((row) => row.id),
        [second.id],
      );
      const next = expectStatus<{ data: Hold[] }>(await harness.request('GET', `/v1/holds?walletId=${erin.id}&cursor=${all.nextCursor}`), 200);
      assert.deepEqual(
        next.data.map((row) => row.id),
        [first.id],
      );
      const acme = await harness.merchantKey('acme');
      const other = await harness.merchantKey('globex');
      expectStatus(await harness.request('GET', `/v1/holds/${second.id}`, undefined, { key: acme }), 200);
      expectProblem(await harness.request('GET', `/v1/holds/${second.id}`, undefined, { key: other }), 404, 'not_found');
      expectProblem(await harness.request('POST', `/v1/holds/${second.id}/void`, {}, { key: other }), 404, 'not_found');
      assert.equal(expectStatus<{ data: Hold[] }>(await harness.request('GET', '/v1/holds', undefined, { key: other }), 200).data.length, 0);
      await harness.assertLedgerConsistent();
    });

    it('expires due holds exactly once, and refuses to capture a hold past its expiresAt', async () => {
      const frank = await wallet(harness, usd.id);
      await topup(harness, frank.id, '1000');
      const expiresAt = new Date(Date.now() + 2_000);
      const due = await hold(frank.id, '100', { expiresAt: expiresAt.toISOString() });
      const later = await hold(frank.id, '200');
      assert.equal(await expireDueHolds(harness.store, new Date(expiresAt.getTime() - 1)), 0);
      assert.equal(await expireDueHolds(harness.store, expiresAt), 1);
      assert.equal(await expireDueHolds(harness.store, expiresAt), 0);
      assert.equal(expectStatus<Hold>(await harness.request('GET', `/v1/holds/${due.id}`), 200).status, 'expired');
      assert.equal(expectStatus<Hold>(await harness.request('GET', `/v1/holds/${later.id}`), 200).status, 'pending');
      assert.equal((await balanceOf(harness, frank.id)).held, '200');
      expectProblem(await harness.request('POST', `/v1/holds/${due.id}/capture`, {}), 409, 'hold_not_pending');

      // Past expiresAt but not yet swept: a capture is refused all the same.
      const shortLived = await hold(frank.id, '50', { expiresAt: new Date(Date.now() + 300).toISOString() });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expectProblem(await harness.request('POST', `/v1/holds/${shortLived.id}/capture`, {}), 409, 'hold_not_pending');
      assert.equal(await expireDueHolds(harness.store, new Date()), 1);
      assert.equal((await balanceOf(harness, frank.id)).held, '200');
      await harness.assertLedgerConsistent();
    });

    it('announces a pending credit (ledger grows, available does not), then settles or fails it', async () => {
      const grace = await wallet(harness, usd.id);
      const credit = expectStatus<PendingCredit>(
        await harness.request('POST', '/v1/pending-credits', { walletId: grace.id, amount: '700', reference: 'wire-1' }),
        201,
      );
      assert.equal(credit.status, 'pending');
      assert.deepEqual(await balanceOf(harness, grace.id), { posted: '0', held: '0', pending: '700', available: '0', ledger: '700', creditLimit: '0' });
      expectProblem(await harness.request('POST', '/v1/withdrawals', { walletId: grace.id, amount: '1' }), 422, 'insufficient_funds');
      const settled = expectStatus<PendingCredit>(await harness.request('POST', `/v1/pending-credits/${credit.id}/settle`), 200);
      assert.equal(settled.status, 'posted');
      assert.equal(settled.settledAmount, '700');
      assert.deepEqual(await balanceOf(harness, grace.id), { posted: '700', held: '0', pending: '0', available: '700', ledger: '700', creditLimit: '0' });
      expectProblem(await harness.request('POST', `/v1/pending-credits/${credit.id}/fail`, {}), 409, 'pending_credit_not_pending');

      const doomed = expectStatus<PendingCredit>(
        await harness.request('POST', '/v1/pending-credits', { walletId: grace.id, amount: '50', fromWalletId: shop.id }),
        201,
      );
      assert.equal(doomed.fromWalletId, shop.id);
      const failed = expectStatus<PendingCredit>(await harness.request('POST', `/v1/pending-credits/${doomed.id}/fail`, {}), 200);
      assert.equal(failed.status, 'failed');
      assert.equal((await balanceOf(harness, grace.id)).ledger, '700');
      // A hold id is not a pending credit id, and the reverse.
      expectProblem(await harness.request('POST', `/v1/holds/${credit.id}/void`, {}), 404, 'not_found');
      const listed = expectStatus<{ data: PendingCredit[] }>(await harness.request('GET', `/v1/pending-credits?walletId=${grace.id}`), 200);
      assert.deepEqual(
        listed.data.map((row) => row.status),
        ['failed', 'posted'],
      );
      await harness.assertLedgerConsistent();
    });

    it('replays a capture with the same Idempotency-Key without moving money again', async () => {
      const henry = await wallet(harness, usd.id);
      await topup(harness, henry.id, '100');
      const created = await hold(henry.id, '100');
      const headers = { 'idempotency-key': `capture-${created.id}` };
      const first = await harness.request('POST', `/v1/holds/${created.id}/capture`, { amount: '60' }, { headers });
      const again = await harness.request('POST', `/v1/holds/${created.id}/capture`, { amount: '60' }, { headers });
      assert.equal(first.statusCode, 200);
      assert.equal(again.statusCode, 200);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
      assert.equal((await balanceOf(harness, henry.id)).posted, '40');
      await harness.assertLedgerConsistent();
    });

    it('records an event for each step of a hold and a pending credit, and one for a status change', async () => {
      const ivan = await wallet(harness, usd.id);
      await topup(harness, ivan.id, '100');
      const voided = await hold(ivan.id, '10');
      expectStatus(await harness.request('POST', `/v1/holds/${voided.id}/void`), 200);
      const captured = await hold(ivan.id, '20');
      expectStatus(await harness.request('POST', `/v1/holds/${captured.id}/capture`, { amount: '5' }), 200);
      const credit = expectStatus<PendingCredit>(await harness.request('POST', '/v1/pending-credits', { walletId: ivan.id, amount: '7' }), 201);
      expectStatus(await harness.request('POST', `/v1/pending-credits/${credit.id}/fail`), 200);
      expectStatus(await harness.request('POST', `/v1/wallets/${ivan.id}/status`, { status: 'blocked', reason: 'other' }), 200);
      const events = expectStatus<{ data: { type: string; subjectId: string }[] }>(await harness.request('GET', '/v1/events?limit=500'), 200).data;
      const typesOf = (id: string) => events.filter((event) => event.subjectId === id).map((event) => event.type);
      assert.deepEqual(typesOf(voided.id), ['transaction.pending', 'transaction.voided']);
      assert.deepEqual(typesOf(captured.id), ['transaction.pending', 'transaction.posted']);
      assert.deepEqual(typesOf(credit.id), ['transaction.pending', 'transaction.failed']);
      assert.ok(typesOf(ivan.id).includes('wallet.status_changed'));
      const audit = expectStatus<{ data: { action: string }[] }>(await harness.request('GET', `/v1/audit-log?subjectId=${ivan.id}`), 200).data;
      assert.ok(audit.some((record) => record.action === 'wallet.status_changed'));
      await harness.assertLedgerConsistent();
    });
  });
}
