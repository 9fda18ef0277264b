/**
 * Money movements end to end: top-ups, withdrawals, transfers with fees, admin adjustments,
 * full and partial reversals, and every kind of bad input refused with its code while the
 * ledger (counters, entries, transactions, idempotency keys) stays exactly as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, ledgerSnapshot, startHarness } from '../support/harness.js';

type Movement = { id: string; status: string; amount: string; entries: { walletId: string; direction: string; amount: string }[] };

for (const backend of backends) {
  describe(`transactions [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    let bob: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      alice = await wallet(harness, usd.id, { customerId: 'alice' });
      bob = await wallet(harness, usd.id, { customerId: 'bob' });
      await topup(harness, alice.id, '10000');
    });
    after(() => harness.close());

    it('tops up from issuing and withdraws to settlement; issuing is negative by the money in circulation', async () => {
      const carol = await wallet(harness, usd.id);
      await topup(harness, carol.id, '2500');
      expectStatus(await harness.request('POST', '/v1/withdrawals', { walletId: carol.id, amount: 1000 }), 201);
      assert.equal((await balanceOf(harness, carol.id)).posted, '1500');
      const system = expectStatus<{ data: { type: string; balance: { posted: string } }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${usd.id}&category=system`),
        200,
      );
      const posted = Object.fromEntries(system.data.map((w) => [w.type, BigInt(w.balance.posted)]));
      assert.equal(posted.settlement, 1000n);
      assert.ok((posted.issuing as bigint) <= -12500n);
      await harness.assertLedgerConsistent();
    });

    it('transfers with a fee to the fees account, all in one balanced transaction', async () => {
      const moved = expectStatus<Movement>(
        await harness.request('POST', '/v1/transfers', {
          fromWalletId: alice.id,
          toWalletId: bob.id,
          amount: '1000',
          fees: [{ amount: '25', description: 'transfer fee' }],
          reference: 'inv-1',
        }),
        201,
      );
      assert.equal(moved.entries.length, 4);
      assert.equal((await balanceOf(harness, alice.id)).posted, '8975');
      assert.equal((await balanceOf(harness, bob.id)).posted, '1000');
      const fetched = expectStatus<Movement>(await harness.request('GET', `/v1/transactions/${moved.id}`), 200);
      assert.deepEqual(fetched.entries, moved.entries);
      await harness.assertLedgerConsistent();
    });

    it('reverses partly, then the rest, and never more than what is left', async () => {
      const original = expectStatus<Movement>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '300', fees: [{ amount: '10' }] }),
        201,
      );
      const aliceBefore = BigInt((await balanceOf(harness, alice.id)).posted);
      expectStatus(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, { amount: '100', reason: 'partial refund' }), 201);
      expectProblem(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, { amount: '201' }), 422, 'reversal_exceeds_original');
      expectStatus(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, {}), 201);
      expectProblem(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, {}), 422, 'reversal_exceeds_original');
      // The fee comes back in proportion over the partials (3 with the first 100, the rest, 7, with the last 200).
      assert.equal(BigInt((await balanceOf(harness, alice.id)).posted), aliceBefore + 310n);
      const after = expectStatus<{ reversedAmount: string }>(await harness.request('GET', `/v1/transactions/${original.id}`), 200);
      assert.equal(after.reversedAmount, '300');
      await harness.assertLedgerConsistent();
    });

    it('gives fees back on a full reversal', async () => {
      const before = BigInt((await balanceOf(harness, alice.id)).posted);
      const original = expectStatus<Movement>(
        await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '50', fees: [{ amount: '5' }] }),
        201,
      );
      const reversal = expectStatus<Movement & { reversesId: string }>(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, {}), 201);
      assert.equal(reversal.reversesId, original.id);
      assert.equal(BigInt((await balanceOf(harness, alice.id)).posted), before);
      expectProblem(await harness.request('POST', `/v1/transactions/${reversal.id}/reverse`, {}), 422, 'transaction_not_reversible');
    });

    it('lets an admin adjust against a system account with a reason, in both directions', async () => {
      const before = BigInt((await balanceOf(harness, bob.id)).posted);
      const credit = expectStatus<{ reason: string }>(
        await harness.request('POST', '/v1/adjustments', { walletId: bob.id, amount: '7', direction: 'credit', reason: 'goodwill' }),
        201,
      );
      assert.equal(credit.reason, 'goodwill');
      expectStatus(
        await harness.request('POST', '/v1/adjustments', { walletId: bob.id, amount: '2', direction: 'debit', reason: 'correction', systemAccount: 'fees' }),
        201,
      );
      assert.equal(BigInt((await balanceOf(harness, bob.id)).posted), before + 5n);
      expectProblem(await harness.request('POST', '/v1/adjustments', { walletId: bob.id, amount: '2', direction: 'debit' }), 400, 'validation_failed');
      // Adjustments are for admin keys only: a merchant key is refused before any wallet is looked up.
      const merchant = await harness.merchantKey('m1');
      expectProblem(
        await harness.request('POST', '/v1/adjustments', { walletId: bob.id, amount: '2', direction: 'credit', reason: 'x' }, { key: merchant }),
        403,
        'forbidden',
      );
      await harness.assertLedgerConsistent();
    });

    it('respects the credit limit: down to −creditLimit and no further', async () => {
      const credit = await wallet(harness, usd.id, { creditLimit: '500' });
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: credit.id, toWalletId: bob.id, amount: '500' }), 201);
      expectProblem(await harness.request('POST', '/v1/transfers', { fromWalletId: credit.id, toWalletId: bob.id, amount: '1' }), 422, 'insufficient_funds');
      assert.equal((await balanceOf(harness, credit.id)).available, '-500');
    });

    it('lists transactions newest first, filtered by wallet and kind, with a cursor', async () => {
      const page = expectStatus<{ data: { kind: string; fromWalletId: string; toWalletId: string }[]; nextCursor: string | null }>(
        await harness.request('GET', `/v1/transactions?walletId=${alice.id}&limit=2`),
        200,
      );
      assert.equal(page.data.length, 2);
      assert.ok(page.data.every((t) => t.fromWalletId === alice.id || t.toWalletId === alice.id));
      assert.notEqual(page.nextCursor, null);
      const next = expectStatus<{ data: { id: string }[] }>(
        await harness.request('GET', `/v1/transactions?walletId=${alice.id}&limit=2&cursor=${page.nextCursor}`),
        200,
      );
      assert.ok(next.data.length > 0);
      const topups = expectStatus<{ data: { kind: string }[] }>(await harness.request('GET', '/v1/transactions?kind=topup'), 200);
      assert.ok(topups.data.length > 0 && topups.data.every((t) => t.kind === 'topup'));
    });

    const badAmounts: [unknown, string][] = [
      ['0', 'amount_invalid'],
      ['-1', 'validation_failed'],
      ['1.5', 'validation_failed'],
      ['abc', 'validation_failed'],
      [1.5, 'validation_failed'],
      ['', 'validation_failed'],
      [null, 'validation_failed'],
      [true, 'validation_failed'],
      ['9223372036854775808', 'amount_too_large'],
      [2 ** 63, 'validation_failed'],
      [0, 'amount_invalid'],
    ];
    for (const [amount, code] of badAmounts) {
      it(`refuses the amount ${JSON.stringify(amount)} with ${code} and changes nothing`, async () => {
        const before = await ledgerSnapshot(harness.store);
        expectProblem(
          await harness.request(
            'POST',
            '/v1/transfers',
            { fromWalletId: alice.id, toWalletId: bob.id, amount },
            { headers: { 'idempotency-key': `bad-${String(amount)}` } },
          ),
          400,
          code,
        );
        assert.equal(await ledgerSnapshot(harness.store), before);
      });
    }

    it('refuses an unknown wallet, the same wallet, two currencies, too little money and an inactive currency, changing nothing', async () => {
      const eur = await isoCurrency(harness, 'EUR');
      const euroWallet = await wallet(harness, eur.id);
      await topup(harness, euroWallet.id, '100');
      const cases: [Record<string, unknown>, number, string][] = [
        [{ fromWalletId: alice.id, toWalletId: '00000000-0000-4000-8000-000000000000', amount: '1' }, 404, 'not_found'],
        [{ fromWalletId: alice.id, toWalletId: alice.id, amount: '1' }, 422, 'same_wallet'],
        [{ fromWalletId: alice.id, toWalletId: euroWallet.id, amount: '1' }, 422, 'currency_mismatch'],
        [{ fromWalletId: bob.id, toWalletId: alice.id, amount: '99999999' }, 422, 'insufficient_funds'],
        [{ fromWalletId: alice.id, toWalletId: bob.id, amount: '1', extra: true }, 400, 'validation_failed'],
        [{ fromWalletId: alice.id, amount: '1' }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const before = await ledgerSnapshot(harness.store);
        expectProblem(await harness.request('POST', '/v1/transfers', body, { headers: { 'idempotency-key': `case-${code}` } }), status, code);
        assert.equal(await ledgerSnapshot(harness.store), before, code);
      }
      expectStatus(await harness.request('PATCH', `/v1/currencies/${eur.id}`, { active: false }), 200);
      const second = await wallet(harness, usd.id);
      void second;
      const before = await ledgerSnapshot(harness.store);
      expectProblem(await harness.request('POST', '/v1/withdrawals', { walletId: euroWallet.id, amount: '1' }), 422, 'currency_inactive');
      expectProblem(await harness.request('POST', '/v1/topups', { walletId: euroWallet.id, amount: '1' }), 422, 'currency_inactive');
      assert.equal(await ledgerSnapshot(harness.store), before);
      await harness.assertLedgerConsistent();
    });
  });
}
