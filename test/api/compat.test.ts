/**
 * The seeds' drop-in views (PRODUCT §12): each sends its seed's own example request and checks
 * the answer has exactly the seed's fields, names, types and envelope; amounts are exact JSON
 * numbers written from the ledger's integers (no float on the way); /compat needs an API key,
 * hides another merchant's objects, and Paynetics' account_create honours Idempotency-Key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Json = Record<string, unknown>;

/** Asserts an object has exactly these keys, each of the given JSON type ('null|string' allows either). */
function assertShape(value: unknown, shape: Record<string, string>, where: string): void {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where} is an object`);
  assert.deepEqual(Object.keys(value as Json).sort(), Object.keys(shape).sort(), `${where}: exactly the seed's fields`);
  for (const [key, types] of Object.entries(shape)) {
    const item = (value as Json)[key];
    const actual = item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item;
    assert.ok(types.split('|').includes(actual), `${where}.${key} is ${types}, got ${actual} (${JSON.stringify(item)})`);
  }
}

for (const backend of backends) {
  describe(`compat views [${backend.name}]`, () => {
    let harness: Harness;
    let eur: CurrencyRecord;
    let gbp: CurrencyRecord;
    let usd: CurrencyRecord;
    let btc: CurrencyRecord;
    before(async () => {
      harness = await startHarness(backend);
      eur = await isoCurrency(harness, 'EUR');
      gbp = await isoCurrency(harness, 'GBP');
      usd = await isoCurrency(harness, 'USD');
      btc = expectStatus<CurrencyRecord>(
        await harness.request('POST', '/v1/currencies', {
          code: 'BTC',
          name: 'Bitcoin',
          symbol: '₿',
          fraction: 100000000,
          assetType: 'crypto',
          numericCode: null,
        }),
        201,
      );
      expectStatus(await harness.request('PUT', `/v1/rates/${btc.id}/${usd.id}`, { rate: '65000' }), 200);
    });
    after(() => harness.close());

    it('needs an API key under /compat and answers a route it does not have with problem+json', async () => {
      expectProblem(await harness.request('GET', '/compat/currencies', undefined, { key: null }), 401, 'unauthorized');
      expectProblem(await harness.request('GET', '/compat/paynetics/v2/accounts/1/20', undefined, { key: 'coffer_sk_wrong' }), 401, 'unauthorized');
    });

    it('currencies seed: GET /compat/currencies lists id, currencyCode, digitalCode, name, symbol, fraction, active, snPrefix', async () => {
      const list = expectStatus<Json[]>(await harness.request('GET', '/compat/currencies'), 200);
      assert.ok(Array.isArray(list));
      const found = list.find((item) => item.id === usd.id);
      assert.deepEqual(found, {
        id: usd.id,
        currencyCode: 'USD',
        digitalCode: '840',
        name: 'US Dollar',
        symbol: '$',
        fraction: 100,
        active: true,
        snPrefix: '840_',
      });
      for (const item of list)
        assertShape(
          item,
          {
            id: 'string',
            currencyCode: 'string',
            digitalCode: 'string|null',
            name: 'string',
            symbol: 'string|null',
            fraction: 'number',
            active: 'boolean',
            snPrefix: 'string|null',
          },
          'currency',
        );
      assert.equal(list.find((item) => item.id === btc.id)?.fraction, 100000000);
      const one = expectStatus<Json>(await harness.request('GET', `/compat/currencies/${eur.id}`), 200);
      assert.equal(one.currencyCode, 'EUR');
      assert.equal(one.digitalCode, '978');
      // A merchant key reads currencies too (read scope).
      const merchant = await harness.merchantKey('m-cur');
      assert.ok(
        expectStatus<Json[]>(await harness.request('GET', '/compat/currencies?currencyCode=GBP', undefined, { key: merchant }), 200).every(
          (item) => item.currencyCode === 'GBP',
        ),
      );
    });

    it("coins KB: GET /compat/coins?customerId= answers {coins: [...]} with the seed's coin fields", async () => {
      const main = await wallet(harness, usd.id, { customerId: 'coin-cust', name: 'Main USD', main: true, merchantId: 'm-coins' });
      const second = await wallet(harness, btc.id, { customerId: 'coin-cust', name: 'Savings', merchantId: 'm-coins', creditLimit: '500' });
      await topup(harness, main.id, '123456');
      expectStatus(await harness.request('POST', '/v1/holds', { walletId: main.id, amount: '1000' }), 201);
      expectStatus(await harness.request('POST', '/v1/pending-credits', { walletId: main.id, amount: '250' }), 201);
      expectStatus(await harness.request('POST', `/v1/wallets/${main.id}/cards`, { kind: 'virtual', name: 'J DOE' }), 201);
      expectStatus(
        await harness.request('POST', `/v1/wallets/${second.id}/status`, { status: 'blocked', reason: 'suspected_fraud', description: 'checking' }),
        200,
      );
      const response = await harness.request('GET', '/compat/coins?customerId=coin-cust');
      const body = expectStatus<{ coins: Json[] }>(response, 200);
      assertShape(body, { coins: 'array' }, 'answer');
      assert.equal(body.coins.length, 2);
      const coinShape = {
        serial: 'string',
        name: 'string',
        amount: 'number',
        availableAmount: 'number',
        futureAmount: 'number',
        heldAmount: 'number',
        creditLimit: 'number',
        currency: 'object',
        active: 'boolean',
        type: 'string',
        main: 'boolean',
        accounting: 'boolean',
        smartCards: 'array',
        deactivationDate: 'string|null',
        deactivationReason: 'string|null',
        deactivationDescription: 'string|null',
      };
      for (const coin of body.coins) {
        assertShape(coin, coinShape, 'coin');
        assertShape(coin.currency, { id: 'string', sn: 'string', code: 'string', symbol: 'string', type: 'string' }, 'coin.currency');
      }
      const usdCoin = body.coins.find((coin) => coin.serial === main.serial) as Json;
      assert.equal(usdCoin.amount, 1234.56);
      assert.equal(usdCoin.availableAmount, 1224.56);
      assert.equal(usdCoin.heldAmount, 10);
      assert.equal(usdCoin.futureAmount, 2.5);
      assert.equal(usdCoin.main, true);
      assert.equal(usdCoin.accounting, false);
      assert.equal(usdCoin.type, 'client');
      assert.equal(usdCoin.active, true);
      assert.equal(usdCoin.deactivationDate, null);
      assert.deepEqual(usdCoin.currency, { id: usd.id, sn: '840', code: 'USD', symbol: '$', type: 'FIAT' });
      const cards = usdCoin.smartCards as Json[];
      assert.equal(cards.length, 1);
      assertShape(
        cards[0],
        { id: 'string', cardNumber: 'string', expirationDate: 'string', name: 'string', expirationStatus: 'string', active: 'boolean' },
        'smartCard',
      );
      assert.match(String(cards[0]?.cardNumber), /^[0-9]{6}\*{6}[0-9]{4}$/);
      assert.equal(cards[0]?.expirationStatus, 'ACTIVE');
      // Exact decimals written from integers: 1234.56 appears as such in the raw text.
      assert.match(response.body, /"amount":1234\.56,/);
      const blocked = body.coins.find((coin) => coin.serial === second.serial) as Json;
      assert.equal(blocked.active, false);
      assert.equal(blocked.creditLimit, 0.000005);
      assert.match(response.body, /"creditLimit":0\.00000500/);
      assert.equal(blocked.deactivationReason, 'suspected_fraud');
      assert.equal(blocked.deactivationDescription, 'checking');
      assert.ok(!Number.isNaN(Date.parse(String(blocked.deactivationDate))));
      assert.equal((blocked.currency as Json).type, 'CRYPTO');
      // By serial, and hidden from another merchant.
      assert.equal(expectStatus<Json>(await harness.request('GET', `/compat/coins/${main.serial}`), 200).serial, main.serial);
      const other = await harness.merchantKey('m-other');
      assert.deepEqual(expectStatus<Json>(await harness.request('GET', '/compat/coins?customerId=coin-cust', undefined, { key: other }), 200), { coins: [] });
      expectProblem(await harness.request('GET', `/compat/coins/${main.serial}`, undefined, { key: other }), 404, 'not_found');
      const own = await harness.merchantKey('m-coins');
      assert.equal(
        expectStatus<{ coins: Json[] }>(await harness.request('GET', '/compat/coins?customerId=coin-cust', undefined, { key: own }), 200).coins.length,
        2,
      );
      await harness.assertLedgerConsistent();
    });

    it('crypto/fiat wallets: GET /compat/wallets/{id} with balance.available|pending|ledger in usd, btc, sat, cent', async () => {
      const btcWallet = await wallet(harness, btc.id, { name: 'BTC wallet', merchantId: 'company-1' });
      await topup(harness, btcWallet.id, '50000');
      expectStatus(await harness.request('POST', '/v1/pending-credits', { walletId: btcWallet.id, amount: '1000' }), 201);
      for (const ref of [btcWallet.id, btcWallet.serial]) {
        const response = await harness.request('GET', `/compat/wallets/${ref}`);
        const body = expectStatus<Json>(response, 200);
        assertShape(
          body,
          {
            id: 'string',
            createdAt: 'string',
            updatedAt: 'string',
            name: 'string',
            companyId: 'string|null',
            active: 'boolean',
            currency: 'string',
            assetType: 'string',
            walletNumber: 'string',
            balance: 'object',
          },
          'wallet',
        );
        assert.equal(body.id, btcWallet.id);
        assert.equal(body.walletNumber, btcWallet.serial);
        assert.equal(body.companyId, 'company-1');
        assert.equal(body.currency, 'btc');
        assert.equal(body.assetType, 'bitcoin');
        const balance = body.balance as Record<string, Json>;
        assertShape(balance, { available: 'object', pending: 'object', ledger: 'object' }, 'balance');
        for (const part of ['available', 'pending', 'ledger'])
          assertShape(balance[part], { usd: 'number', btc: 'number', sat: 'number', cent: 'number' }, `balance.${part}`);
        assert.deepEqual(balance.available, { usd: 32.5, btc: 0.0005, sat: 50000, cent: 3250 });
        assert.deepEqual(balance.pending, { usd: 0.65, btc: 0.00001, sat: 1000, cent: 65 });
        // ledger = available + pending, in every unit.
        assert.deepEqual(balance.ledger, { usd: 33.15, btc: 0.00051, sat: 51000, cent: 3315 });
      }
      // A USD wallet without a USD→BTC rate shows its own figures and null for bitcoin.
      const usdWallet = await wallet(harness, usd.id, { customerId: 'fiat-1' });
      await topup(harness, usdWallet.id, '1999');
      const fiat = expectStatus<{ assetType: string; currency: string; balance: Record<string, Json> }>(
        await harness.request('GET', `/compat/wallets/${usdWallet.id}`),
        200,
      );
      assert.equal(fiat.assetType, 'fiat');
      assert.equal(fiat.currency, 'usd');
      assert.deepEqual(fiat.balance.available, { usd: 19.99, btc: null, sat: null, cent: 1999 });
      expectProblem(
        await harness.request('GET', `/compat/wallets/${btcWallet.id}`, undefined, { key: await harness.merchantKey('m-stranger') }),
        404,
        'not_found',
      );
      await harness.assertLedgerConsistent();
    });

    it('Paysafe: GET /compat/paysafe/accounts/{id} with int64 minor-unit balances and virtual instruments', async () => {
      const externalId = 'a2322550-af91-417f-867e-681efad44b9d';
      const account = await wallet(harness, eur.id, { customerId: '123456789', externalId, merchantId: 'm-paysafe' });
      await topup(harness, account.id, '10050');
      expectStatus(await harness.request('POST', '/v1/holds', { walletId: account.id, amount: '50' }), 201);
      const response = await harness.request('GET', `/compat/paysafe/accounts/${account.serial}`);
      const body = expectStatus<Json>(response, 200);
      assertShape(
        body,
        {
          currencyCode: 'string',
          id: 'string',
          customerId: 'string',
          externalId: 'string',
          totalBalance: 'number',
          availableBalance: 'number',
          virtualInstruments: 'array',
          creationTime: 'string',
        },
        'account',
      );
      assert.equal(body.currencyCode, 'EUR');
      assert.ok(String(body.id).length <= 20);
      assert.equal(body.id, account.serial);
      assert.equal(body.customerId, '123456789');
      assert.equal(body.externalId, externalId);
      assert.equal(body.totalBalance, 10050);
      assert.equal(body.availableBalance, 10000);
      assert.ok(Number.isInteger(body.totalBalance));
      assert.match(String(body.creationTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const instruments = body.virtualInstruments as Json[];
      assert.equal(instruments.length, 1);
      assertShape(instruments[0], { id: 'string', instrumentType: 'string' }, 'virtualInstrument');
      assert.equal(instruments[0]?.instrumentType, 'SEPA_BANK_ACCOUNT');
      const uk = await wallet(harness, gbp.id, { customerId: 'uk-1' });
      const ukBody = expectStatus<{ virtualInstruments: Json[] }>(await harness.request('GET', `/compat/paysafe/accounts/${uk.id}`), 200);
      assert.equal(ukBody.virtualInstruments[0]?.instrumentType, 'UK_BANK_ACCOUNT');
      const us = await wallet(harness, usd.id, { customerId: 'us-1' });
      assert.equal(
        expectStatus<{ virtualInstruments: Json[] }>(await harness.request('GET', `/compat/paysafe/accounts/${us.id}`), 200).virtualInstruments[0]
          ?.instrumentType,
        'US_BANK_ACCOUNT',
      );
      expectProblem(
        await harness.request('GET', `/compat/paysafe/accounts/${account.serial}`, undefined, { key: await harness.merchantKey('m-x') }),
        404,
        'not_found',
      );
      expectProblem(await harness.request('GET', '/compat/paysafe/accounts/999_0000000000'), 404, 'not_found');
      await harness.assertLedgerConsistent();
    });

    it("Paynetics: the seed's account_create, account_status, accounts_list, account_details and account_terminate", async () => {
      const merchant = '242d993a-be0e-461d-b9e4-7c84b8bfff4f';
      const user = '3e42849a-f1ef-4a65-b0ad-193a5e87a626';
      const seedRequest = {
        program: 'account_eur',
        merchant,
        user,
        main: '5a836b53-5a3f-47ab-9a76-13a7eb7d7865',
        skip_iban_generation: false,
        alias: 'alias of account',
      };
      // The seed's request names a primary account that does not exist here.
      expectProblem(await harness.request('POST', '/compat/paynetics/v2/accounts', seedRequest), 404, 'not_found');
      const { main: _main, ...primaryRequest } = seedRequest;
      const createdResponse = await harness.request('POST', '/compat/paynetics/v2/accounts', primaryRequest, { headers: { 'idempotency-key': 'pn-create-1' } });
      const created = expectStatus<{ code: number; data: Json }>(createdResponse, 200);
      assertShape(created, { code: 'number', data: 'object' }, 'envelope');
      assert.equal(created.code, 0);
      const accountShape = {
        program: 'string',
        token: 'string',
        merchant: 'string',
        user: 'string',
        type: 'string',
        number: 'string',
        link_key: 'string',
        is_main: 'boolean',
        status: 'string',
        multicurrency: 'boolean',
        balances: 'array',
      };
      const balanceShape = {
        available: 'number',
        blocked: 'number',
        currency: 'string',
        token: 'string',
        iban: 'string',
        sort_code: 'string|null',
        account_number: 'string|null',
        number: 'string',
        is_main: 'boolean',
      };
      const account = created.data;
      assertShape(account, accountShape, 'account');
      assert.equal(account.program, 'account_eur');
      assert.equal(account.merchant, merchant);
      assert.equal(account.user, user);
      assert.equal(account.status, 'active');
      assert.equal(account.multicurrency, false);
      assert.equal(account.is_main, true);
      assert.equal(account.type, 'default');
      const balances = account.balances as Json[];
      assert.equal(balances.length, 1);
      assertShape(balances[0], balanceShape, 'balance');
      assert.equal(balances[0]?.currency, 'EUR');
      assert.match(String(balances[0]?.iban), /^[A-Z]{2}[0-9]{2}/);
      // A retry with the same Idempotency-Key answers the same account and creates nothing.
      const replay = await harness.request('POST', '/compat/paynetics/v2/accounts', primaryRequest, { headers: { 'idempotency-key': 'pn-create-1' } });
      assert.equal(replay.statusCode, 200);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body, createdResponse.body);
      const token = String(account.token);
      const walletToken = String(balances[0]?.token);
      // The balance token is a Coffer wallet: money moves through /v1 and shows here as decimals.
      await topup(harness, walletToken, '12345');
      expectStatus(await harness.request('POST', '/v1/holds', { walletId: walletToken, amount: '123' }), 201);
      const detailsResponse = await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`);
      const details = expectStatus<{ code: number; data: { balances: Json[] } }>(detailsResponse, 200);
      assert.equal(details.code, 0);
      assert.equal(details.data.balances[0]?.available, 122.22);
      assert.equal(details.data.balances[0]?.blocked, 1.23);
      assert.match(detailsResponse.body, /"available":122\.22,"blocked":1\.23,/);

      // A multicurrency program: one balance per currency; GBP shows sort code and account number.
      const multi = expectStatus<{ data: Json }>(
        await harness.request('POST', '/compat/paynetics/v2/accounts', { program: 'account_eur_gbp', merchant, user }),
        200,
      ).data;
      assert.equal(multi.multicurrency, true);
      const multiBalances = multi.balances as Json[];
      assert.deepEqual(
        multiBalances.map((balance) => balance.currency),
        ['EUR', 'GBP'],
      );
      assert.match(String(multiBalances[1]?.sort_code), /^[0-9]{6}$/);
      assert.match(String(multiBalances[1]?.account_number), /^[0-9]{8}$/);
      assert.equal(multiBalances[1]?.iban, null);
      // A virtual account over the primary one: the seed's request with a real main.
      const virtual = expectStatus<{ data: Json }>(await harness.request('POST', '/compat/paynetics/v2/accounts', { ...seedRequest, main: token }), 200).data;
      assert.equal(virtual.type, 'virtual');
      assert.equal(virtual.is_main, false);
      assert.equal((virtual.balances as Json[])[0]?.available, 122.22, "a virtual account uses its primary account's balance");
      expectProblem(await harness.request('POST', '/compat/paynetics/v2/accounts', { program: 'account_xyz', merchant, user }), 400, 'validation_failed');

      // accounts_list with the seed's filters; total_items is a string.
      const list = expectStatus<{ code: number; data: { items: Json[]; total_items: string } }>(
        await harness.request('GET', `/compat/paynetics/v2/accounts/1/2?merchant=${merchant}&user=${user}`),
        200,
      );
      assertShape(list.data, { items: 'array', total_items: 'string' }, 'list');
      assert.equal(list.data.total_items, '3');
      assert.equal(list.data.items.length, 2);
      for (const item of list.data.items) assertShape(item, accountShape, 'item');
      const page2 = expectStatus<{ data: { items: Json[] } }>(await harness.request('GET', `/compat/paynetics/v2/accounts/2/2?merchant=${merchant}`), 200);
      assert.equal(page2.data.items.length, 1);
      const byProgram = expectStatus<{ data: { items: Json[]; total_items: string } }>(
        await harness.request('GET', '/compat/paynetics/v2/accounts/1/20?program=account_eur_gbp'),
        200,
      );
      assert.equal(byProgram.data.total_items, '1');

      // account_status: the seed's {"status": "active"} and a block, no reason needed.
      assert.deepEqual(expectStatus(await harness.request('PUT', `/compat/paynetics/v2/accounts/${token}/status`, { status: 'blocked' }), 200), { code: 0 });
      assert.equal(expectStatus<{ data: Json }>(await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`), 200).data.status, 'blocked');
      expectProblem(
        await harness.request('POST', '/v1/transfers', { fromWalletId: walletToken, toWalletId: String(multiBalances[0]?.token), amount: '1' }),
        422,
        'wallet_blocked',
      );
      assert.deepEqual(expectStatus(await harness.request('PUT', `/compat/paynetics/v2/accounts/${token}/status`, { status: 'active' }), 200), { code: 0 });
      assert.equal(expectStatus<{ data: Json }>(await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`), 200).data.status, 'active');

      // Another merchant sees none of it.
      const stranger = await harness.merchantKey('m-stranger-pn');
      expectProblem(await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`, undefined, { key: stranger }), 404, 'not_found');
      expectProblem(await harness.request('PUT', `/compat/paynetics/v2/accounts/${token}/status`, { status: 'blocked' }, { key: stranger }), 404, 'not_found');
      expectProblem(await harness.request('DELETE', `/compat/paynetics/v2/accounts/${token}`, undefined, { key: stranger }), 404, 'not_found');
      assert.equal(
        expectStatus<{ data: { total_items: string } }>(
          await harness.request('GET', `/compat/paynetics/v2/accounts/1/20?merchant=${merchant}`, undefined, { key: stranger }),
          200,
        ).data.total_items,
        '0',
      );
      // A merchant key creates in its own merchant whatever the body says.
      const own = await harness.merchantKey('m-own-pn');
      const ownAccount = expectStatus<{ data: Json }>(
        await harness.request('POST', '/compat/paynetics/v2/accounts', { program: 'account_eur', merchant, user: 'u-own' }, { key: own }),
        200,
      ).data;
      assert.equal(ownAccount.merchant, 'm-own-pn');

      // account_terminate: refused while money is in it (nothing changes), then final.
      const before = expectStatus<{ data: Json }>(await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`), 200).data;
      expectProblem(await harness.request('DELETE', `/compat/paynetics/v2/accounts/${token}`), 422, 'wallet_has_open_holds');
      assert.deepEqual(
        expectStatus<{ data: Json }>(await harness.request('GET', `/compat/paynetics/v2/accounts/${token}`), 200).data,
        before,
        'a refused termination changes nothing',
      );
      assert.deepEqual(
        expectStatus(await harness.request('DELETE', `/compat/paynetics/v2/accounts/${String(ownAccount.token)}`, undefined, { key: own }), 200),
        { code: 0 },
      );
      const closed = expectStatus<{ data: Json }>(
        await harness.request('GET', `/compat/paynetics/v2/accounts/${String(ownAccount.token)}`, undefined, { key: own }),
        200,
      ).data;
      assert.equal(closed.status, 'closed');
      assert.equal((closed.balances as Json[])[0]?.iban, null, 'closing deactivates the IBAN');
      expectProblem(
        await harness.request('PUT', `/compat/paynetics/v2/accounts/${String(ownAccount.token)}/status`, { status: 'active' }, { key: own }),
        422,
        'wallet_closed',
      );
      await harness.assertLedgerConsistent();
    });
  });
}
