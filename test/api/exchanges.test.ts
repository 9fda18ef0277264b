/**
 * Exchanges over HTTP: one atomic transaction of kind `exchange` (wallet → fx in the source
 * currency, fx → wallet in the target), between one customer's wallets or two customers'
 * (a cross-currency transfer), at the current rate or a quote used once. It proves the worked
 * examples, that same-code currencies exchange at rate 1, that exchanges racing transfers never
 * overdraw, that a failing second leg leaves nothing behind (not even a used quote), and that
 * every bad input is a 4xx with a code while the ledger, rates and quotes stay as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { customCurrency, exchangeSnapshot, setRate } from '../support/exchange-fixtures.js';
import { balanceOf, type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Exchange = {
  id: string;
  kind: string;
  currencyId: string;
  amount: string;
  fromWalletId: string;
  toWalletId: string;
  exchange: { rate: string; quoteId: string | null; targetCurrencyId: string; targetAmount: string } | null;
  entries: { walletId: string; currencyId: string; direction: string; amount: string }[];
};
type Quote = { id: string; targetAmount: string; usedAt: string | null; transactionId: string | null };

const unknownId = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`exchanges [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let eur: CurrencyRecord;
    let jpy: CurrencyRecord;
    let aliceUsd: WalletRecord;
    let aliceEur: WalletRecord;
    let aliceJpy: WalletRecord;
    let bobEur: WalletRecord;
    const exchange = (body: Record<string, unknown>, headers: Record<string, string> = {}) => harness.request('POST', '/v1/exchanges', body, { headers });
    const fxPosted = async (currency: CurrencyRecord) => {
      const system = expectStatus<{ data: { type: string; balance: { posted: string } }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${currency.id}&category=system&type=fx`),
        200,
      );
      return system.data[0]?.balance.posted;
    };

    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      eur = await isoCurrency(harness, 'EUR');
      jpy = await isoCurrency(harness, 'JPY');
      aliceUsd = await wallet(harness, usd.id, { customerId: 'alice' });
      aliceEur = await wallet(harness, eur.id, { customerId: 'alice' });
      aliceJpy = await wallet(harness, jpy.id, { customerId: 'alice' });
      bobEur = await wallet(harness, eur.id, { customerId: 'bob' });
      await topup(harness, aliceUsd.id, '100000');
      await setRate(harness, usd, eur, '0.92');
      await setRate(harness, usd, jpy, '151.37');
    });
    after(() => harness.close());

    it('exchanges 10.00 USD at 0.92 into 9.20 EUR, recording rate and target amount, in two balanced legs', async () => {
      const fxUsdBefore = BigInt((await fxPosted(usd)) ?? '0');
      const moved = expectStatus<Exchange>(await exchange({ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '1000' }), 201);
      assert.equal(moved.kind, 'exchange');
      assert.deepEqual(moved.exchange, { rate: '0.92', quoteId: null, targetCurrencyId: eur.id, targetAmount: '920' });
      assert.deepEqual(
        moved.entries.map((entry) => [entry.currencyId, entry.direction, entry.amount]),
        [
          [usd.id, 'debit', '1000'],
          [usd.id, 'credit', '1000'],
          [eur.id, 'debit', '920'],
          [eur.id, 'credit', '920'],
        ],
      );
      assert.equal((await balanceOf(harness, aliceEur.id)).posted, '920');
      assert.equal(BigInt((await fxPosted(usd)) ?? '0'), fxUsdBefore + 1000n);
      const fetched = expectStatus<Exchange>(await harness.request('GET', `/v1/transactions/${moved.id}`), 200);
      assert.deepEqual(fetched.exchange, moved.exchange);
      // Its event names the rate and what the target received, as the answer does.
      const [posted] = await harness.store.database.query<{ data: { exchange?: unknown } | string }>(
        `select data from events where subject_id = $1 and type = 'transaction.posted'`,
        [moved.id],
      );
      const data = typeof posted?.data === 'string' ? (JSON.parse(posted.data) as { exchange?: unknown }) : posted?.data;
      assert.deepEqual(data?.exchange, moved.exchange);
      await harness.assertLedgerConsistent();
    });

    it('exchanges 0.01 USD at 151.37 into 1 JPY (rounded down) and refuses an amount that converts to zero', async () => {
      const moved = expectStatus<Exchange>(await exchange({ fromWalletId: aliceUsd.id, toWalletId: aliceJpy.id, amount: '1' }), 201);
      assert.equal(moved.exchange?.targetAmount, '1');
      await setRate(harness, jpy, usd, '0.0066');
      const before = await exchangeSnapshot(harness);
      expectProblem(await exchange({ fromWalletId: aliceJpy.id, toWalletId: aliceUsd.id, amount: '1' }), 422, 'exchange_amount_too_small');
      assert.equal(await exchangeSnapshot(harness), before);
      await harness.assertLedgerConsistent();
    });

    it('transfers across currencies and customers atomically, with a fee in the source currency', async () => {
      const moved = expectStatus<Exchange>(
        await exchange({ fromWalletId: aliceUsd.id, toWalletId: bobEur.id, amount: '500', fees: [{ amount: '10', description: 'fx fee' }], reference: 'x-1' }),
        201,
      );
      assert.equal(moved.entries.length, 6);
      assert.equal((await balanceOf(harness, bobEur.id)).posted, '460');
      const merchant = await harness.merchantKey('m-other');
      expectProblem(
        await harness.request('POST', '/v1/exchanges', { fromWalletId: aliceUsd.id, toWalletId: bobEur.id, amount: '1' }, { key: merchant }),
        404,
        'not_found',
      );
      await harness.assertLedgerConsistent();
    });

    it('exchanges between two different currencies that share the code USD at rate 1', async () => {
      const otherUsd = await customCurrency(harness, 'USD', 100);
      const target = await wallet(harness, otherUsd.id, { customerId: 'alice' });
      await setRate(harness, usd, otherUsd, '1');
      const moved = expectStatus<Exchange>(await exchange({ fromWalletId: aliceUsd.id, toWalletId: target.id, amount: '1234' }), 201);
      assert.equal(moved.exchange?.targetAmount, '1234');
      assert.equal((await balanceOf(harness, target.id)).posted, '1234');
      await harness.assertLedgerConsistent();
    });

    it('uses a quote exactly once, at its locked rate, and replays an idempotent exchange without moving money again', async () => {
      const quote = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '2000' }), 201);
      await setRate(harness, usd, eur, '0.5');
      const headers = { 'idempotency-key': 'exchange-quote-1' };
      const body = { fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '2000', quoteId: quote.id };
      const first = await exchange(body, headers);
      const moved = expectStatus<Exchange>(first, 201);
      assert.deepEqual(moved.exchange, { rate: '0.92', quoteId: quote.id, targetCurrencyId: eur.id, targetAmount: '1840' });
      const replay = await exchange(body, headers);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body, first.body);
      const used = expectStatus<Quote>(await harness.request('GET', `/v1/quotes/${quote.id}`), 200);
      assert.equal(used.transactionId, moved.id);
      const before = await exchangeSnapshot(harness);
      expectProblem(await exchange(body), 409, 'quote_used');
      assert.equal(await exchangeSnapshot(harness), before);
      await setRate(harness, usd, eur, '0.92');
      await harness.assertLedgerConsistent();
    });

    it('refuses expired, mismatched and unknown quotes, and every other bad exchange, changing nothing', async () => {
      const quote = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '300' }), 201);
      const expired = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '300' }), 201);
      await harness.store.database.query(`update quotes set expires_at = now() - interval '1 second' where id = $1`, [expired.id]);
      const aliceUsd2 = await wallet(harness, usd.id, { customerId: 'alice' });
      const chf = await isoCurrency(harness, 'CHF');
      const aliceChf = await wallet(harness, chf.id, { customerId: 'alice' });
      const usdFx = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', `/v1/wallets?currencyId=${usd.id}&type=fx`), 200).data[0]?.id;
      const cases: [Record<string, unknown>, number, string][] = [
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '300', quoteId: expired.id }, 422, 'quote_expired'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '301', quoteId: quote.id }, 422, 'quote_mismatch'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceJpy.id, amount: '300', quoteId: quote.id }, 422, 'quote_mismatch'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '300', quoteId: unknownId }, 404, 'not_found'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceUsd2.id, amount: '300' }, 422, 'same_currency'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceChf.id, amount: '300' }, 404, 'rate_not_found'],
        [{ fromWalletId: aliceUsd.id, toWalletId: unknownId, amount: '300' }, 404, 'not_found'],
        [{ fromWalletId: aliceEur.id, toWalletId: aliceUsd.id, amount: '300' }, 404, 'rate_not_found'],
        [{ fromWalletId: usdFx, toWalletId: aliceEur.id, amount: '300' }, 422, 'system_wallet_not_allowed'],
        [{ fromWalletId: bobEur.id, toWalletId: aliceJpy.id, amount: '300' }, 404, 'rate_not_found'],
        [{ fromWalletId: aliceUsd2.id, toWalletId: aliceEur.id, amount: '300' }, 422, 'insufficient_funds'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '0' }, 400, 'amount_invalid'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '9223372036854775808' }, 400, 'amount_too_large'],
        [{ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '300', rate: '2' }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const before = await exchangeSnapshot(harness);
        expectProblem(await exchange(body, { 'idempotency-key': `bad-exchange-${code}-${String(body.amount)}` }), status, code);
        assert.equal(await exchangeSnapshot(harness), before, `${code} changed something`);
      }
      expectStatus(await exchange({ fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '300', quoteId: quote.id }), 201);
      await harness.assertLedgerConsistent();
    });

    it('leaves nothing behind when the second leg fails: blocked target wallet, inactive target currency', async () => {
      const gbp = await isoCurrency(harness, 'GBP');
      const target = await wallet(harness, gbp.id, { customerId: 'carol' });
      await setRate(harness, usd, gbp, '0.79');
      const quote = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: gbp.id, amount: '1000' }), 201);
      await harness.store.database.query(`update wallets set status = 'blocked' where id = $1`, [target.id]);
      const body = { fromWalletId: aliceUsd.id, toWalletId: target.id, amount: '1000', quoteId: quote.id };
      let before = await exchangeSnapshot(harness);
      expectProblem(await exchange(body, { 'idempotency-key': 'blocked-target' }), 422, 'wallet_blocked');
      assert.equal(await exchangeSnapshot(harness), before);
      assert.equal(expectStatus<Quote>(await harness.request('GET', `/v1/quotes/${quote.id}`), 200).usedAt, null, 'the quote is still unused');

      await harness.store.database.query(`update wallets set status = 'active' where id = $1`, [target.id]);
      expectStatus(await harness.request('PATCH', `/v1/currencies/${gbp.id}`, { active: false }), 200);
      before = await exchangeSnapshot(harness);
      expectProblem(await exchange({ fromWalletId: aliceUsd.id, toWalletId: target.id, amount: '1000' }), 422, 'currency_inactive');
      assert.equal(await exchangeSnapshot(harness), before);

      expectStatus(await harness.request('PATCH', `/v1/currencies/${gbp.id}`, { active: true }), 200);
      // The refusal was recorded under its key (a replay answers it again); the fixed request takes a new key.
      const replayed = await exchange(body, { 'idempotency-key': 'blocked-target' });
      expectProblem(replayed, 422, 'wallet_blocked');
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      const moved = expectStatus<Exchange>(await exchange(body, { 'idempotency-key': 'blocked-target-2' }), 201);
      assert.equal(moved.exchange?.targetAmount, '790');
      await harness.assertLedgerConsistent();
    });

    it('never overdraws when exchanges race transfers on the same wallet', async () => {
      const payer = await wallet(harness, usd.id, { customerId: 'dave' });
      const payee = await wallet(harness, usd.id, { customerId: 'erin' });
      const payerEur = await wallet(harness, eur.id, { customerId: 'dave' });
      await topup(harness, payer.id, '1000');
      const requests = Array.from({ length: 24 }, (_, index) =>
        index % 2 === 0
          ? exchange({ fromWalletId: payer.id, toWalletId: payerEur.id, amount: '100' })
          : harness.request('POST', '/v1/transfers', { fromWalletId: payer.id, toWalletId: payee.id, amount: '100' }),
      );
      const responses = await Promise.all(requests);
      const codes = responses.map((response) => response.statusCode);
      assert.equal(codes.filter((code) => code === 201).length, 10, `exactly ten fit in 1000: ${codes.join(',')}`);
      for (const response of responses.filter((candidate) => candidate.statusCode !== 201)) expectProblem(response, 422, 'insufficient_funds');
      assert.equal((await balanceOf(harness, payer.id)).posted, '0');
      const exchanged = responses.filter((response, index) => index % 2 === 0 && response.statusCode === 201).length;
      assert.equal((await balanceOf(harness, payerEur.id)).posted, String(exchanged * 92));
      await harness.assertLedgerConsistent();
    });

    it('lets exactly one of two racing exchanges use a quote', async () => {
      const quote = expectStatus<Quote>(await harness.request('POST', '/v1/quotes', { fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '50' }), 201);
      const body = { fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '50', quoteId: quote.id };
      const responses = await Promise.all([exchange(body), exchange(body), exchange(body)]);
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [201, 409, 409]);
      for (const response of responses.filter((candidate) => candidate.statusCode === 409)) expectProblem(response, 409, 'quote_used');
      await harness.assertLedgerConsistent();
    });

    it('accepts exchanges as batch items, atomically with transfers', async () => {
      const result = expectStatus<{
        succeeded: number;
        results: { status: string; transaction?: { kind: string; exchange: { targetAmount: string } | null } }[];
      }>(
        await harness.request('POST', '/v1/batches', {
          atomic: true,
          items: [
            { kind: 'exchange', fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '100' },
            { kind: 'transfer', fromWalletId: aliceEur.id, toWalletId: bobEur.id, amount: '92' },
          ],
        }),
        201,
      );
      assert.equal(result.succeeded, 2);
      assert.equal(result.results[0]?.transaction?.exchange?.targetAmount, '92');
      const before = await exchangeSnapshot(harness);
      expectProblem(
        await harness.request('POST', '/v1/batches', {
          atomic: true,
          items: [
            { kind: 'exchange', fromWalletId: aliceUsd.id, toWalletId: aliceEur.id, amount: '100' },
            { kind: 'exchange', fromWalletId: aliceEur.id, toWalletId: aliceUsd.id, amount: '100' },
          ],
        }),
        422,
        'batch_item_failed',
      );
      assert.equal(await exchangeSnapshot(harness), before);
      await harness.assertLedgerConsistent();
    });
  });
}
