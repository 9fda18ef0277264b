/**
 * Issue 17's money rules, end to end on both backends: every posted kind can be reversed (a
 * captured hold, a settled pending credit, an exchange at its original rate) with fees returned
 * in proportion; pending credits settle for the amount that arrived and fail with a reason;
 * the built-in system accounts move only through their own kinds, and an operator adds its own
 * (`reserve`); payouts to bank accounts stay pending, money held, until settled or failed, and
 * race safely with transfers and with each other. Every scenario ends on the ledger invariant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { customCurrency, setRate } from '../support/exchange-fixtures.js';
import { readFeed } from '../support/feed.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Movement = {
  id: string;
  kind: string;
  status: string;
  amount: string;
  reason: string | null;
  reversedAmount: string;
  counterparty?: Record<string, unknown> | null;
  exchange: { targetAmount: string } | null;
  entries: { walletId: string; direction: string; amount: string; pending: boolean }[];
};
type Credit = { id: string; status: string; settledAmount: string | null; reason?: string | null; source?: Record<string, unknown> | null };

const iban = { iban: 'DE89 3704 0044 0532 0130 00', name: 'Erika Mustermann' };
const uk = { sortCode: '40-05-15', accountNumber: '12345678', name: 'Jo Bloggs' };
const us = { routingNumber: '021000021', accountNumber: '123456789', name: 'John Doe' };

for (const backend of backends) {
  describe(`seeds: money rules [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    const posted = async (id: string) => BigInt((await balanceOf(harness, id)).posted);
    const systemAccount = async (currencyId: string, type: string) => {
      const list = expectStatus<{ data: { id: string; type: string; balance: { posted: string } }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${currencyId}&category=system&limit=100`),
        200,
      );
      const found = list.data.find((w) => w.type === type);
      assert.ok(found !== undefined, `${type} is listed with the currency's system accounts`);
      return found;
    };

    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
    });
    after(() => harness.close());

    it('returns fees in proportion over partial reversals: rounded down, the last one returns the rest', async () => {
      const alice = await wallet(harness, usd.id);
      const bob = await wallet(harness, usd.id);
      await topup(harness, alice.id, '10000');
      const fees = await systemAccount(usd.id, 'fees');
      const feesBefore = BigInt(fees.balance.posted);
      const original = expectStatus<Movement>(
        await harness.request('POST', '/v1/transfers', {
          fromWalletId: alice.id,
          toWalletId: bob.id,
          amount: '300',
          fees: [{ amount: '10' }, { amount: '1' }],
        }),
        201,
      );
      assert.equal(await posted(alice.id), 10000n - 311n);
      const feeBack = async (reversal: Movement) =>
        reversal.entries.filter((entry) => entry.walletId === alice.id && entry.direction === 'credit').reduce((sum, entry) => sum + BigInt(entry.amount), 0n) -
        BigInt(reversal.amount);
      const first = expectStatus<Movement>(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, { amount: '100' }), 201);
      assert.equal(await feeBack(first), 3n, 'floor(10 × 100/300) + floor(1 × 100/300) = 3 + 0');
      const second = expectStatus<Movement>(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, { amount: '100' }), 201);
      assert.equal(await feeBack(second), 3n, 'cumulatively floor(10 × 200/300) = 6, and 0 of the 1');
      const last = expectStatus<Movement>(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, {}), 201);
      assert.equal(await feeBack(last), 5n, 'the last reversal returns the rest: 4 of 10 and the whole 1');
      assert.equal(await posted(alice.id), 10000n, 'a full set of partial reversals returns exactly the whole fee');
      assert.equal(BigInt((await systemAccount(usd.id, 'fees')).balance.posted), feesBefore);
      expectProblem(await harness.request('POST', `/v1/transactions/${original.id}/reverse`, { amount: '1' }), 422, 'reversal_exceeds_original');
      assert.equal(expectStatus<Movement>(await harness.request('GET', `/v1/transactions/${original.id}`), 200).reversedAmount, '300');
      await harness.assertLedgerConsistent();
    });

    it('reverses an exchange at its original rate, both legs, in parts', async () => {
      const eur = await customCurrency(harness, 'EUR', 100);
      await setRate(harness, usd, eur, '0.92');
      const source = await wallet(harness, usd.id, { customerId: 'fx-1' });
      const target = await wallet(harness, eur.id, { customerId: 'fx-1' });
      await topup(harness, source.id, '5000');
      const exchange = expectStatus<Movement>(
        await harness.request('POST', '/v1/exchanges', { fromWalletId: source.id, toWalletId: target.id, amount: '1001', fees: [{ amount: '9' }] }),
        201,
      );
      assert.equal(exchange.exchange?.targetAmount, '920');
      // The rate moves afterwards: the reversal still uses the exchange's own terms.
      await setRate(harness, usd, eur, '2');
      const part = expectStatus<Movement>(await harness.request('POST', `/v1/transactions/${exchange.id}/reverse`, { amount: '500' }), 201);
      assert.equal(part.exchange?.targetAmount, '459', 'floor(920 × 500/1001)');
      assert.equal(await posted(target.id), 920n - 459n);
      assert.equal(await posted(source.id), 5000n - 1010n + 500n + 4n, 'the source gets 500 back and floor(9 × 500/1001) of the fee');
      expectStatus(await harness.request('POST', `/v1/transactions/${exchange.id}/reverse`, {}), 201);
      assert.equal(await posted(target.id), 0n);
      assert.equal(await posted(source.id), 5000n);
      expectProblem(await harness.request('POST', `/v1/transactions/${exchange.id}/reverse`, {}), 422, 'reversal_exceeds_original');

      // A cross-currency transfer between two merchants (by an admin) is reversed by an admin only.
      const [keyA, keyB] = [await harness.merchantKey('m-fx-a'), await harness.merchantKey('m-fx-b')];
      const fromA = await wallet(harness, usd.id, {}, keyA);
      const toB = await wallet(harness, eur.id, {}, keyB);
      await topup(harness, fromA.id, '100');
      const shared = expectStatus<Movement>(await harness.request('POST', '/v1/exchanges', { fromWalletId: fromA.id, toWalletId: toB.id, amount: '100' }), 201);
      expectProblem(await harness.request('POST', `/v1/transactions/${shared.id}/reverse`, {}, { key: keyA }), 403, 'forbidden');
      expectProblem(await harness.request('POST', `/v1/transactions/${shared.id}/reverse`, {}, { key: keyB }), 403, 'forbidden');
      expectStatus(await harness.request('POST', `/v1/transactions/${shared.id}/reverse`, {}), 201);
      assert.deepEqual([await posted(fromA.id), await posted(toB.id)], [100n, 0n]);
      await harness.assertLedgerConsistent();
    });

    it('refunds a captured hold up to what was captured; a voided hold is not reversible', async () => {
      const shopper = await wallet(harness, usd.id);
      const shop = await wallet(harness, usd.id);
      await topup(harness, shopper.id, '1000');
      const hold = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: shopper.id, toWalletId: shop.id, amount: '800' }), 201);
      expectStatus(await harness.request('POST', `/v1/holds/${hold.id}/capture`, { amount: '600' }), 200);
      assert.equal(await posted(shopper.id), 400n);
      expectProblem(await harness.request('POST', `/v1/transactions/${hold.id}/reverse`, { amount: '601' }), 422, 'reversal_exceeds_original');
      const refund = expectStatus<Movement & { reversesId: string }>(
        await harness.request('POST', `/v1/transactions/${hold.id}/reverse`, { amount: '200' }),
        201,
      );
      assert.equal(refund.reversesId, hold.id);
      expectStatus(await harness.request('POST', `/v1/transactions/${hold.id}/reverse`, {}), 201);
      assert.equal(await posted(shopper.id), 1000n);
      assert.equal(await posted(shop.id), 0n);
      const voided = expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: shopper.id, amount: '10' }), 201);
      expectStatus(await harness.request('POST', `/v1/holds/${voided.id}/void`), 200);
      expectProblem(await harness.request('POST', `/v1/transactions/${voided.id}/reverse`, {}), 422, 'transaction_not_reversible');
      await harness.assertLedgerConsistent();
    });

    it('settles a pending credit for the amount that arrived, fails one with a reason, and reverses a settled one', async () => {
      const receiver = await wallet(harness, usd.id);
      const credit = expectStatus<Credit>(await harness.request('POST', '/v1/pending-credits', { walletId: receiver.id, amount: '1000', source: iban }), 201);
      assert.deepEqual(credit.source, { name: 'Erika Mustermann', iban: 'DE89370400440532013000', sortCode: null, routingNumber: null, accountNumber: null });
      expectProblem(await harness.request('POST', `/v1/pending-credits/${credit.id}/settle`, { amount: '1001' }), 422, 'settle_exceeds_pending_credit');
      const settled = expectStatus<Credit>(await harness.request('POST', `/v1/pending-credits/${credit.id}/settle`, { amount: '700' }), 200);
      assert.equal(settled.status, 'posted');
      assert.equal(settled.settledAmount, '700');
      const balance = await balanceOf(harness, receiver.id);
      assert.deepEqual([balance.posted, balance.pending], ['700', '0'], 'the rest is released');
      const shown = expectStatus<Movement>(await harness.request('GET', `/v1/transactions/${credit.id}`), 200);
      assert.deepEqual(shown.counterparty?.iban, 'DE89370400440532013000');

      const lost = expectStatus<Credit>(await harness.request('POST', '/v1/pending-credits', { walletId: receiver.id, amount: '50' }), 201);
      const failed = expectStatus<Credit>(await harness.request('POST', `/v1/pending-credits/${lost.id}/fail`, { reason: 'chain reorganised' }), 200);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.reason, 'chain reorganised');
      assert.equal(expectStatus<Movement>(await harness.request('GET', `/v1/transactions/${lost.id}`), 200).reason, 'chain reorganised');
      const event = (await readFeed(harness, { types: 'transaction.failed' })).find((e) => e.subjectId === lost.id);
      assert.equal(event?.data.reason, 'chain reorganised');
      expectProblem(await harness.request('POST', `/v1/pending-credits/${lost.id}/fail`, {}), 409, 'pending_credit_not_pending');

      expectProblem(await harness.request('POST', `/v1/transactions/${credit.id}/reverse`, { amount: '701' }), 422, 'reversal_exceeds_original');
      expectStatus(await harness.request('POST', `/v1/transactions/${credit.id}/reverse`, {}), 201);
      assert.equal(await posted(receiver.id), 0n);
      expectProblem(
        await harness.request('POST', '/v1/pending-credits', { walletId: receiver.id, amount: '5', source: { iban: 'DE00 1234', name: 'x' } }),
        400,
        'validation_failed',
      );
      await harness.assertLedgerConsistent();
    });

    it('moves the built-in system accounts only through their own kinds; an operator adds reserve and funds wallets from it', async () => {
      const client = await wallet(harness, usd.id);
      await topup(harness, client.id, '500');
      const issuing = await systemAccount(usd.id, 'issuing');
      const fees = await systemAccount(usd.id, 'fees');
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: issuing.id, toWalletId: client.id, amount: '1' }),
        422,
        'system_account_kind',
      );
      expectProblem(await harness.request('POST', '/v1/transfers', { fromWalletId: client.id, toWalletId: fees.id, amount: '1' }), 422, 'system_account_kind');
      const batch = expectStatus<{ results: { status: string; error?: { code: string } }[] }>(
        await harness.request('POST', '/v1/batches', {
          atomic: false,
          items: [{ kind: 'transfer', fromWalletId: issuing.id, toWalletId: client.id, amount: '1' }],
        }),
        201,
      );
      assert.equal(batch.results[0]?.error?.code, 'system_account_kind');

      const reserve = expectStatus<{ id: string; category: string; type: string; accounting: boolean }>(
        await harness.request('POST', `/v1/currencies/${usd.id}/system-accounts`, { type: 'reserve', name: 'USD reserve' }),
        201,
      );
      assert.deepEqual([reserve.category, reserve.type, reserve.accounting], ['system', 'reserve', true]);
      assert.equal((await systemAccount(usd.id, 'reserve')).id, reserve.id);
      expectProblem(await harness.request('POST', `/v1/currencies/${usd.id}/system-accounts`, { type: 'reserve' }), 409, 'system_account_exists');
      expectProblem(await harness.request('POST', `/v1/currencies/${usd.id}/system-accounts`, { type: 'issuing' }), 409, 'system_account_exists');
      expectProblem(await harness.request('POST', `/v1/currencies/${usd.id}/system-accounts`, { type: 'Reserve!' }), 400, 'validation_failed');
      const merchant = await harness.merchantKey('m-money');
      expectProblem(await harness.request('POST', `/v1/currencies/${usd.id}/system-accounts`, { type: 'pool' }, { key: merchant }), 403, 'forbidden');

      // Adjustment against reserve (any direction), then an admin transfer reserve ⇄ client wallet.
      expectStatus(
        await harness.request('POST', '/v1/adjustments', {
          walletId: client.id,
          amount: '200',
          direction: 'debit',
          reason: 'to reserve',
          systemAccount: 'reserve',
        }),
        201,
      );
      expectProblem(
        await harness.request('POST', '/v1/adjustments', { walletId: client.id, amount: '1', direction: 'debit', reason: 'x', systemAccount: 'nope' }),
        422,
        'system_account_unknown',
      );
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: reserve.id, toWalletId: client.id, amount: '150' }), 201);
      expectStatus(await harness.request('POST', '/v1/transfers', { fromWalletId: client.id, toWalletId: reserve.id, amount: '50' }), 201);
      assert.equal(await posted(client.id), 400n);
      assert.equal(BigInt((await systemAccount(usd.id, 'reserve')).balance.posted), 100n);
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: reserve.id, toWalletId: issuing.id, amount: '1' }),
        422,
        'system_account_kind',
      );
      // A merchant key never sees a system account.
      const own = await wallet(harness, usd.id, {}, merchant);
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: reserve.id, toWalletId: own.id, amount: '1' }, { key: merchant }),
        404,
        'not_found',
      );
      await harness.assertLedgerConsistent();
    });

    it('pays out to an IBAN, a UK and a US account: pending with the money held until settled or failed', async () => {
      const merchant = await harness.merchantKey('m-payout');
      const payer = await wallet(harness, usd.id, {}, merchant);
      await topup(harness, payer.id, '1000');
      const settlement = await systemAccount(usd.id, 'settlement');
      const settlementBefore = BigInt(settlement.balance.posted);
      const headers = { 'idempotency-key': 'payout-1' };
      const first = await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '300', destination: iban }, { key: merchant, headers });
      const payout = expectStatus<Movement>(first, 201);
      assert.deepEqual([payout.kind, payout.status], ['withdrawal', 'pending']);
      assert.equal(payout.counterparty?.iban, 'DE89370400440532013000');
      assert.ok(
        payout.entries.every((entry) => entry.pending && entry.walletId === payer.id),
        'a merchant sees only its own wallet entries',
      );
      const replay = await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '300', destination: iban }, { key: merchant, headers });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body, first.body);
      let balance = await balanceOf(harness, payer.id);
      assert.deepEqual([balance.posted, balance.held, balance.available], ['1000', '300', '700']);

      const settled = expectStatus<Movement>(await harness.request('POST', `/v1/withdrawals/${payout.id}/settle`, {}, { key: merchant }), 200);
      assert.equal(settled.status, 'posted');
      expectProblem(await harness.request('POST', `/v1/withdrawals/${payout.id}/settle`, {}, { key: merchant }), 409, 'payout_not_pending');
      expectProblem(await harness.request('POST', `/v1/withdrawals/${payout.id}/fail`, {}, { key: merchant }), 409, 'payout_not_pending');
      balance = await balanceOf(harness, payer.id);
      assert.deepEqual([balance.posted, balance.held], ['700', '0']);
      assert.equal(BigInt((await systemAccount(usd.id, 'settlement')).balance.posted), settlementBefore + 300n);

      const ukPayout = expectStatus<Movement>(
        await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '100', destination: uk }, { key: merchant }),
        201,
      );
      assert.equal(ukPayout.counterparty?.sortCode, '400515');
      const failed = expectStatus<Movement>(
        await harness.request('POST', `/v1/withdrawals/${ukPayout.id}/fail`, { reason: 'account closed' }, { key: merchant }),
        200,
      );
      assert.deepEqual([failed.status, failed.reason], ['failed', 'account closed']);
      const usPayout = expectStatus<Movement>(await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '100', destination: us }), 201);
      assert.equal(usPayout.counterparty?.routingNumber, '021000021');
      expectStatus(await harness.request('POST', `/v1/withdrawals/${usPayout.id}/settle`), 200);
      balance = await balanceOf(harness, payer.id);
      assert.deepEqual([balance.posted, balance.held], ['600', '0']);

      const events = await readFeed(harness, { key: merchant });
      const steps = (id: string) => events.filter((event) => event.subjectId === id).map((event) => event.type);
      assert.deepEqual(steps(payout.id), ['transaction.pending', 'transaction.posted']);
      assert.deepEqual(steps(ukPayout.id), ['transaction.pending', 'transaction.failed']);
      // A settled payout is reversible like any withdrawal.
      expectStatus(await harness.request('POST', `/v1/transactions/${usPayout.id}/reverse`, {}, { key: merchant }), 201);
      assert.equal(await posted(payer.id), 700n);

      // Bad destinations, fees on a payout, another merchant, a withdrawal that is no payout.
      for (const destination of [
        { iban: 'DE89370400440532013001', name: 'bad check digits' },
        { sortCode: '4005', accountNumber: '12345678', name: 'short sort code' },
        { routingNumber: '021000022', accountNumber: '123456789', name: 'bad checksum' },
        { iban: 'DE89370400440532013000', sortCode: '400515', accountNumber: '12345678', name: 'two ways' },
      ]) {
        expectProblem(await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '1', destination }), 400, 'validation_failed');
      }
      expectProblem(
        await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '1', destination: iban, fees: [{ amount: '1' }] }),
        400,
        'fee_invalid',
      );
      const open = expectStatus<Movement>(await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '1', destination: iban }), 201);
      const other = await harness.merchantKey('m-other');
      expectProblem(await harness.request('POST', `/v1/withdrawals/${open.id}/settle`, {}, { key: other }), 404, 'not_found');
      const readOnly = await harness.merchantKey('m-payout', ['read']);
      expectProblem(await harness.request('POST', `/v1/withdrawals/${open.id}/settle`, {}, { key: readOnly }), 403, 'forbidden');
      const plain = expectStatus<Movement>(await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '1' }), 201);
      assert.equal(plain.status, 'posted', 'a withdrawal without destination posts at once');
      expectProblem(await harness.request('POST', `/v1/withdrawals/${plain.id}/settle`), 404, 'not_found');
      expectProblem(await harness.request('POST', `/v1/wallets/${payer.id}/status`, { status: 'closed' }), 422, 'wallet_has_open_holds');
      expectStatus(await harness.request('POST', `/v1/wallets/${payer.id}/status`, { status: 'blocked', reason: 'other' }), 200);
      expectProblem(await harness.request('POST', `/v1/withdrawals/${open.id}/settle`), 422, 'wallet_blocked');
      expectStatus(await harness.request('POST', `/v1/withdrawals/${open.id}/fail`), 200);
      expectStatus(await harness.request('POST', `/v1/wallets/${payer.id}/status`, { status: 'active', reason: 'other' }), 200);
      await harness.assertLedgerConsistent();
    });

    it('never overdraws while a payout is pending, and settle racing fail has exactly one winner', async () => {
      const payer = await wallet(harness, usd.id);
      const payee = await wallet(harness, usd.id);
      await topup(harness, payer.id, '1000');
      const payout = expectStatus<Movement>(await harness.request('POST', '/v1/withdrawals', { walletId: payer.id, amount: '600', destination: iban }), 201);
      const transfers = await Promise.all(
        Array.from({ length: 10 }, () => harness.request('POST', '/v1/transfers', { fromWalletId: payer.id, toWalletId: payee.id, amount: '100' })),
      );
      assert.equal(transfers.filter((answer) => answer.statusCode === 201).length, 4);
      assert.ok(transfers.every((answer) => answer.statusCode === 201 || JSON.parse(answer.body).code === 'insufficient_funds'));
      const [settle, fail] = await Promise.all([
        harness.request('POST', `/v1/withdrawals/${payout.id}/settle`),
        harness.request('POST', `/v1/withdrawals/${payout.id}/fail`, { reason: 'race' }),
      ]);
      assert.deepEqual([settle.statusCode, fail.statusCode].sort(), [200, 409]);
      const final = expectStatus<Movement>(await harness.request('GET', `/v1/transactions/${payout.id}`), 200);
      const balance = await balanceOf(harness, payer.id);
      assert.equal(balance.held, '0');
      assert.equal(balance.posted, final.status === 'posted' ? '0' : '600');
      assert.ok(BigInt(balance.available) >= 0n);
      await harness.assertLedgerConsistent();
    });
  });
}
