/**
 * Bank identifiers: on creation a EUR or BGN wallet gets an IBAN (passing ibantools and an
 * independent ISO 7064 mod-97 check written here), a GBP wallet a sort code + 8-digit account
 * number, a USD wallet a routing number (ABA checksum) + account number, a points or crypto
 * wallet nothing, and `skipIbanGeneration` skips them. Identifiers are unique, a wallet is
 * found by its IBAN (only by its own merchant), and closing the wallet deactivates them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isValidIBAN } from 'ibantools';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
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
  });
}
