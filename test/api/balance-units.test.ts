/**
 * Balances in other units: `GET /v1/wallets/{id}/balance?units=major,minor&valueIn=<currencyId>`
 * shows every balance field in the wallet's major unit ("0.00050000" BTC), its minor unit (sat),
 * and valued in another currency at the current rate (usd, cent), naming the rate and its time.
 * Values are exact decimals: 1 satoshi is worth exactly "0.0006500012" USD at 65000.12.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { customCurrency, setRate } from '../support/exchange-fixtures.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type View = {
  unit: string;
  currencyId: string;
  code: string;
  rate: string | null;
  rateSetAt: string | null;
  posted: string;
  available: string;
  held: string;
  pending: string;
  ledger: string;
  creditLimit: string;
};
type Reading = { walletId: string; balance: { posted: string }; views?: View[] };

for (const backend of backends) {
  describe(`balance units [${backend.name}]`, () => {
    let harness: Harness;
    let btc: CurrencyRecord;
    let usd: CurrencyRecord;
    let satoshiWallet: WalletRecord;
    let rateSetAt: string;
    before(async () => {
      harness = await startHarness(backend);
      btc = await customCurrency(harness, 'BTC', 100_000_000, 'crypto');
      usd = await isoCurrency(harness, 'USD');
      rateSetAt = String((await setRate(harness, btc, usd, '65000.12')).setAt);
      satoshiWallet = await wallet(harness, btc.id, { customerId: 'satoshi' });
      await topup(harness, satoshiWallet.id, '50000');
    });
    after(() => harness.close());

    const read = (query: string) => harness.request('GET', `/v1/wallets/${satoshiWallet.id}/balance${query}`);

    it('shows btc, sat, usd and cent views of every balance field, naming the rate and its time', async () => {
      const reading = expectStatus<Reading>(await read(`?units=major,minor&valueIn=${usd.id}`), 200);
      assert.equal(reading.balance.posted, '50000');
      const views = reading.views ?? [];
      assert.deepEqual(
        views.map((view) => [view.code, view.unit, view.posted, view.available, view.held, view.rate]),
        [
          ['BTC', 'major', '0.00050000', '0.00050000', '0.00000000', null],
          ['BTC', 'minor', '50000', '50000', '0', null],
          ['USD', 'major', '32.50006', '32.50006', '0.00', '65000.12'],
          ['USD', 'minor', '3250.006', '3250.006', '0', '65000.12'],
        ],
      );
      assert.equal(views[2]?.rateSetAt, rateSetAt);
      assert.equal(views[2]?.currencyId, usd.id);
    });

    it('values 1 satoshi with its exact decimal', async () => {
      const tiny = await wallet(harness, btc.id);
      await topup(harness, tiny.id, '1');
      const reading = expectStatus<Reading>(await harness.request('GET', `/v1/wallets/${tiny.id}/balance?valueIn=${usd.id}`), 200);
      assert.deepEqual(
        reading.views?.map((view) => [view.code, view.unit, view.posted]),
        [
          ['BTC', 'major', '0.00000001'],
          ['BTC', 'minor', '1'],
          ['USD', 'major', '0.0006500012'],
          ['USD', 'minor', '0.06500012'],
        ],
      );
      await harness.assertLedgerConsistent();
    });

    it('shows one unit when asked, and no views without units or valueIn', async () => {
      const major = expectStatus<Reading>(await read('?units=major'), 200);
      assert.deepEqual(
        major.views?.map((view) => view.posted),
        ['0.00050000'],
      );
      const plain = expectStatus<Reading>(await read(''), 200);
      assert.equal(plain.views, undefined);
      const past = expectStatus<Reading>(await read(`?units=minor&at=${new Date(0).toISOString()}`), 200);
      assert.deepEqual(
        past.views?.map((view) => view.posted),
        ['0'],
      );
    });

    it('refuses bad units, unknown currencies, pairs without a rate and the wallet currency itself', async () => {
      const eur = await isoCurrency(harness, 'EUR');
      const cases: [string, number, string][] = [
        ['?units=btc', 400, 'validation_failed'],
        ['?units=major,major', 400, 'validation_failed'],
        ['?units=', 400, 'validation_failed'],
        ['?valueIn=not-a-uuid', 400, 'validation_failed'],
        ['?valueIn=00000000-0000-4000-8000-000000000000', 404, 'not_found'],
        [`?valueIn=${eur.id}`, 404, 'rate_not_found'],
        [`?valueIn=${btc.id}`, 422, 'same_currency'],
      ];
      for (const [query, status, code] of cases) expectProblem(await read(query), status, code);
    });
  });
}
