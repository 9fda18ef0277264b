/**
 * Bank identifiers: on creation a EUR or BGN wallet gets an IBAN (passing ibantools and an
 * independent ISO 7064 mod-97 check written here), a GBP wallet a sort code + 8-digit account
 * number, a USD wallet a routing number (ABA checksum) + account number, a points or crypto
 * wallet nothing, and `skipIbanGeneration` skips them. Identifiers are unique, a wallet is
 * found by its IBAN (only by its own merchant), and closing the wallet deactivates them.
 * A wallet may add more identifiers (`POST /v1/wallets/{id}/instruments {kind}`) within its
 * currency's kinds and a limit; each has a verification status and `externallyVerified`, set by
 * an admin only; merchants read their own; wallets are found by UK sort code + account number
 * and by US routing + account number too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isValidIBAN } from 'ibantools';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
import { limits } from '../../src/domain/limits.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Instrument = {
  id: string;
  walletId: string;
  kind: string;
  iban: string | null;
  sortCode: string | null;
  routingNumber: string | null;
  accountNumber: string | null;
  active: boolean;
  status: string;
  externallyVerified: boolean;
};

/** ISO 13616 / ISO 7064 mod 97-10, written independently of the library under test. */
function mod97Valid(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function abaValid(routing: string): boolean {
  const d = [...routing].map(Number);
  return d.length === 9 && (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

for (const backend of backends) {
  describe(`bank identifiers [${backend.name}]`, () => {
    let harness: Harness;
    const currencies: Record<string, CurrencyRecord> = {};
    const instrumentsOf = async (walletId: string, key?: string) =>
      expectStatus<{ data: Instrument[] }>(
        await harness.request('GET', `/v1/wallets/${walletId}/instruments`, undefined, key !== undefined ? { key } : {}),
        200,
      ).data;
    before(async () => {
      harness = await startHarness(backend);
      for (const code of ['EUR', 'BGN', 'GBP', 'USD']) currencies[code] = await isoCurrency(harness, code);
      currencies.PTS = expectStatus<CurrencyRecord>(
        await harness.request('POST', '/v1/currencies', { code: 'PTS', name: 'Points', fraction: 1, assetType: 'points' }),
        201,
      );
    });
    after(() => harness.close());

    it('gives EUR and BGN wallets unique IBANs that pass ibantools and an independent mod-97 check', async () => {
      const seen = new Set<string>();
      for (const [code, country] of [
        ['EUR', 'DE'],
        ['BGN', 'BG'],
      ] as const) {
        for (let index = 0; index < 12; index++) {
          const created = await wallet(harness, (currencies[code] as CurrencyRecord).id, { customerId: `iban-${index}` });
          const [instrument, ...rest] = await instrumentsOf(created.id);
          assert.equal(rest.length, 0);
          assert.equal(instrument?.kind, 'iban');
          const iban = String(instrument?.iban);
          assert.ok(iban.startsWith(country), iban);
          assert.equal(iban.length, 22);
          assert.ok(isValidIBAN(iban), `ibantools rejects ${iban}`);
          assert.ok(mod97Valid(iban), `mod-97 rejects ${iban}`);
          assert.ok(!seen.has(iban), `duplicate ${iban}`);
          seen.add(iban);
        }
      }
      // The independent check is not a rubber stamp: a changed digit fails both.
      const sample = [...seen][0] as string;
      const broken = sample.slice(0, -1) + String((Number(sample.slice(-1)) + 1) % 10);
      assert.equal(mod97Valid(broken), false);
      assert.equal(isValidIBAN(broken), false);
    });

    it('gives GBP a sort code and 8-digit account number, USD a routing and account number, points nothing', async () => {
      const gbp = await instrumentsOf((await wallet(harness, (currencies.GBP as CurrencyRecord).id)).id);
      assert.equal(gbp.length, 1);
      assert.equal(gbp[0]?.kind, 'uk_account');
      assert.match(String(gbp[0]?.sortCode), /^[0-9]{6}$/);
      assert.match(String(gbp[0]?.accountNumber), /^[0-9]{8}$/);
      assert.equal(gbp[0]?.iban, null);
      const usd = await instrumentsOf((await wallet(harness, (currencies.USD as CurrencyRecord).id)).id);
      assert.equal(usd[0]?.kind, 'us_account');
      assert.ok(abaValid(String(usd[0]?.routingNumber)));
      assert.match(String(usd[0]?.accountNumber), /^[0-9]{12}$/);
      assert.deepEqual(await instrumentsOf((await wallet(harness, (currencies.PTS as CurrencyRecord).id)).id), []);
      assert.deepEqual(await instrumentsOf((await wallet(harness, (currencies.EUR as CurrencyRecord).id, { skipIbanGeneration: true })).id), []);
      const system = expectStatus<{ data: { id: string }[] }>(
        await harness.request('GET', `/v1/wallets?currencyId=${currencies.EUR?.id}&category=system`),
        200,
      );
      assert.deepEqual(await instrumentsOf(system.data[0]?.id ?? ''), []);
    });

    it('finds a wallet by its IBAN (spaces and case ignored), only for its own merchant', async () => {
      const created = await wallet(harness, (currencies.EUR as CurrencyRecord).id, { merchantId: 'acme' });
      const iban = String((await instrumentsOf(created.id))[0]?.iban);
      const spaced = iban
        .toLowerCase()
        .replace(/(.{4})/g, '$1 ')
        .trim();
      const found = expectStatus<{ data: Instrument[] }>(await harness.request('GET', `/v1/instruments?iban=${encodeURIComponent(spaced)}`), 200);
      assert.deepEqual(
        found.data.map((row) => row.walletId),
        [created.id],
      );
      const acme = await harness.merchantKey('acme');
      const globex = await harness.merchantKey('globex');
      assert.equal(
        expectStatus<{ data: Instrument[] }>(await harness.request('GET', `/v1/instruments?iban=${iban}`, undefined, { key: acme }), 200).data.length,
        1,
      );
      assert.equal(
        expectStatus<{ data: Instrument[] }>(await harness.request('GET', `/v1/instruments?iban=${iban}`, undefined, { key: globex }), 200).data.length,
        0,
      );
      expectProblem(await harness.request('GET', `/v1/wallets/${created.id}/instruments`, undefined, { key: globex }), 404, 'not_found');
      assert.equal(expectStatus<{ data: Instrument[] }>(await harness.request('GET', '/v1/instruments?iban=DE00000000000000000000'), 200).data.length, 0);
      expectProblem(await harness.request('GET', '/v1/instruments'), 400, 'validation_failed');
    });

    it('deactivates the identifiers of a closed wallet, which stays findable by its IBAN', async () => {
      const created = await wallet(harness, (currencies.BGN as CurrencyRecord).id);
      expectStatus(await harness.request('POST', `/v1/wallets/${created.id}/status`, { status: 'closed', reason: 'customer_request' }), 200);
      const [instrument] = await instrumentsOf(created.id);
      assert.equal(instrument?.active, false);
      const found = expectStatus<{ data: Instrument[] }>(await harness.request('GET', `/v1/instruments?iban=${instrument?.iban}`), 200);
      assert.equal(found.data[0]?.active, false);
      await harness.assertLedgerConsistent();
    });

    it('adds identifiers of the kinds its currency allows, up to a limit; closing deactivates them all', async () => {
      const created = await wallet(harness, (currencies.EUR as CurrencyRecord).id, { merchantId: 'acme' });
      const acme = await harness.merchantKey('acme');
      const second = expectStatus<Instrument>(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'iban' }, { key: acme }), 201);
      assert.ok(second.iban !== null && mod97Valid(second.iban));
      assert.deepEqual([second.status, second.externallyVerified, second.active], ['VERIFIED', false, true]);
      const uk = expectStatus<Instrument>(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'uk_account' }), 201);
      assert.match(String(uk.accountNumber), /^[0-9]{8}$/);
      const us = expectStatus<Instrument>(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'us_account' }), 201);
      assert.ok(abaValid(String(us.routingNumber)));
      const all = await instrumentsOf(created.id);
      assert.deepEqual(
        all.map((row) => row.kind),
        ['iban', 'iban', 'uk_account', 'us_account'],
      );
      assert.equal(new Set(all.map((row) => row.iban ?? row.accountNumber)).size, 4);
      const gbp = await wallet(harness, (currencies.GBP as CurrencyRecord).id);
      expectProblem(await harness.request('POST', `/v1/wallets/${gbp.id}/instruments`, { kind: 'iban' }), 422, 'instrument_kind_unavailable');
      const points = await wallet(harness, (currencies.PTS as CurrencyRecord).id);
      expectProblem(await harness.request('POST', `/v1/wallets/${points.id}/instruments`, { kind: 'uk_account' }), 422, 'instrument_kind_unavailable');
      expectProblem(await harness.request('POST', `/v1/wallets/${points.id}/instruments`, { kind: 'sepa' }), 400, 'validation_failed');
      for (let index = all.length; index < limits.instrumentsPerWalletMax; index++) {
        expectStatus(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'us_account' }), 201);
      }
      expectProblem(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'us_account' }), 409, 'instrument_limit_reached');
      const globex = await harness.merchantKey('globex');
      expectProblem(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'iban' }, { key: globex }), 404, 'not_found');
      expectProblem(
        await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'iban' }, { key: await harness.merchantKey('acme', ['read']) }),
        403,
        'forbidden',
      );
      expectStatus(await harness.request('POST', `/v1/wallets/${gbp.id}/status`, { status: 'blocked' }), 200);
      expectProblem(await harness.request('POST', `/v1/wallets/${gbp.id}/instruments`, { kind: 'uk_account' }), 422, 'wallet_blocked');
      expectStatus(await harness.request('POST', `/v1/wallets/${created.id}/status`, { status: 'closed', reason: 'customer_request' }), 200);
      const closed = await instrumentsOf(created.id);
      assert.equal(closed.length, limits.instrumentsPerWalletMax);
      assert.ok(closed.every((row) => !row.active));
      expectProblem(await harness.request('POST', `/v1/wallets/${created.id}/instruments`, { kind: 'iban' }), 422, 'wallet_closed');
      await harness.assertLedgerConsistent();
    });

    it('lets an admin set the verification status; merchants read their own instruments only', async () => {
      const created = await wallet(harness, (currencies.USD as CurrencyRecord).id, { merchantId: 'acme' });
      const [instrument] = await instrumentsOf(created.id);
      const id = String(instrument?.id);
      const acme = await harness.merchantKey('acme');
      const globex = await harness.merchantKey('globex');
      expectProblem(await harness.request('PATCH', `/v1/instruments/${id}`, { status: 'REJECTED' }, { key: acme }), 403, 'forbidden');
      expectProblem(await harness.request('PATCH', `/v1/instruments/${id}`, { status: 'BOGUS' }), 400, 'validation_failed');
      for (const status of ['VERIFICATION_REQUIRED', 'UNVERIFIED', 'REJECTED', 'VERIFIED']) {
        assert.equal(expectStatus<Instrument>(await harness.request('PATCH', `/v1/instruments/${id}`, { status }), 200).status, status);
      }
      const verified = expectStatus<Instrument>(await harness.request('PATCH', `/v1/instruments/${id}`, { externallyVerified: true }), 200);
      assert.deepEqual([verified.status, verified.externallyVerified], ['VERIFIED', true]);
      const read = expectStatus<Instrument>(await harness.request('GET', `/v1/instruments/${id}`, undefined, { key: acme }), 200);
      assert.deepEqual([read.status, read.externallyVerified, read.walletId], ['VERIFIED', true, created.id]);
      expectProblem(await harness.request('GET', `/v1/instruments/${id}`, undefined, { key: globex }), 404, 'not_found');
      expectProblem(await harness.request('GET', '/v1/instruments/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      expectProblem(await harness.request('PATCH', '/v1/instruments/00000000-0000-4000-8000-000000000000', { status: 'VERIFIED' }), 404, 'not_found');
      const events = expectStatus<{ data: { type: string; subjectId: string; data: { status: string } }[] }>(
        await harness.request('GET', '/v1/events?types=instrument.updated&limit=500', undefined, { key: acme }),
        200,
      );
      assert.deepEqual(
        events.data.filter((event) => event.subjectId === id).map((event) => event.data.status),
        ['VERIFICATION_REQUIRED', 'UNVERIFIED', 'REJECTED', 'VERIFIED', 'VERIFIED'],
      );
    });

    it('finds wallets by UK sort code + account number and by US routing + account number, for their own merchant only', async () => {
      const uk = await wallet(harness, (currencies.GBP as CurrencyRecord).id, { merchantId: 'acme' });
      const us = await wallet(harness, (currencies.USD as CurrencyRecord).id, { merchantId: 'acme' });
      const [ukAccount] = await instrumentsOf(uk.id);
      const [usAccount] = await instrumentsOf(us.id);
      const sortCode = String(ukAccount?.sortCode);
      const dashed = `${sortCode.slice(0, 2)}-${sortCode.slice(2, 4)}-${sortCode.slice(4)}`;
      const acme = await harness.merchantKey('acme');
      const globex = await harness.merchantKey('globex');
      const find = async (query: string, key?: string) =>
        expectStatus<{ data: Instrument[] }>(await harness.request('GET', `/v1/instruments?${query}`, undefined, key !== undefined ? { key } : {}), 200).data;
      for (const sort of [sortCode, dashed]) {
        assert.deepEqual(
          (await find(`sortCode=${sort}&accountNumber=${ukAccount?.accountNumber}`, acme)).map((row) => row.walletId),
          [uk.id],
        );
      }
      assert.deepEqual(
        (await find(`routingNumber=${usAccount?.routingNumber}&accountNumber=${usAccount?.accountNumber}`, acme)).map((row) => row.walletId),
        [us.id],
      );
      assert.deepEqual(await find(`sortCode=${sortCode}&accountNumber=${ukAccount?.accountNumber}`, globex), []);
      assert.deepEqual(await find(`routingNumber=${usAccount?.routingNumber}&accountNumber=${usAccount?.accountNumber}`, globex), []);
      assert.deepEqual(await find(`sortCode=${sortCode}&accountNumber=99999999`), []);
      expectProblem(await harness.request('GET', `/v1/instruments?sortCode=${sortCode}`), 400, 'validation_failed');
      expectProblem(
        await harness.request('GET', `/v1/instruments?routingNumber=${usAccount?.routingNumber}&sortCode=${sortCode}&accountNumber=1234`),
        400,
        'validation_failed',
      );
    });
  });
}
