/**
 * Cards: a plastic or virtual card shows only its masked number (first 6 + last 4), an
 * expiration date three years out and a derived expiration status; at most one active card
 * per wallet unless the program allows more; no new card on a blocked wallet, whose cards are
 * frozen and unfrozen with it; closing the wallet destroys them. Then a scan: no full card
 * number (a Luhn-valid run of digits starting with the BIN) in any response, log line or table row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp, type App } from '../../src/api/app.js';
import { backends } from '../support/backends.js';
import { type CurrencyRecord, isoCurrency, wallet } from '../support/fixtures.js';
import { expectProblem, expectStatus, type Harness, startHarness } from '../support/harness.js';

type Card = {
  id: string;
  kind: string;
  maskedNumber: string;
  expirationDate: string;
  expirationStatus: string;
  active: boolean;
  frozen: boolean;
  destroyedAt: string | null;
};

const bin = '512345';

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Every 16 digits in a row that start with the BIN and pass Luhn: what a leaked card number looks like. */
function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const [digits] of text.matchAll(/\d{16,}/g)) {
    for (let start = 0; start + 16 <= digits.length; start++) {
      const candidate = digits.slice(start, start + 16);
      if (candidate.startsWith(bin) && luhnValid(candidate)) found.push(candidate);
    }
  }
  return found;
}

for (const backend of backends) {
  describe(`cards [${backend.name}]`, () => {
    let harness: Harness;
    let logged: App;
    let eur: CurrencyRecord;
    const logLines: string[] = [];
    const responses: string[] = [];
    /** Card requests go through an app that logs everything (trace level) into `logLines`. */
    const call = async (method: string, url: string, body?: unknown) => {
      const answer = await logged.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${harness.adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      responses.push(answer.body);
      return answer;
    };
    before(async () => {
      harness = await startHarness(backend, { COFFER_CARD_BIN: bin, COFFER_CARDS_PER_PROGRAM: 'premium:3' });
      const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
      logged = await buildApp({ context: harness.context, logger });
      await logged.ready();
      eur = await isoCurrency(harness, 'EUR');
    });
    after(async () => {
      await logged.close();
      await harness.close();
    });

    it('issues a card with a masked number only, expiring in three years', async () => {
      const owner = await wallet(harness, eur.id);
      const card = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual', name: 'ALICE EXAMPLE' }), 201);
      assert.match(card.maskedNumber, new RegExp(`^${bin}\\*{6}[0-9]{4}$`));
      assert.equal(card.expirationStatus, 'ACTIVE');
      assert.equal(card.active, true);
      assert.equal(card.frozen, false);
      const expires = new Date(`${card.expirationDate}T00:00:00Z`);
      const years = expires.getUTCFullYear() - new Date().getUTCFullYear();
      assert.equal(years, 3);
      assert.equal(new Date(expires.getTime() + 86_400_000).getUTCDate(), 1, 'valid to the last day of a month');
    });

    it('allows one active card per wallet unless the program allows more', async () => {
      const basic = await wallet(harness, eur.id);
      expectStatus(await call('POST', `/v1/wallets/${basic.id}/cards`, { kind: 'plastic' }), 201);
      expectProblem(await call('POST', `/v1/wallets/${basic.id}/cards`, { kind: 'virtual' }), 409, 'card_limit_reached');
      const premium = await wallet(harness, eur.id, { program: 'premium' });
      for (let index = 0; index < 3; index++) expectStatus(await call('POST', `/v1/wallets/${premium.id}/cards`, { kind: 'virtual' }), 201);
      expectProblem(await call('POST', `/v1/wallets/${premium.id}/cards`, { kind: 'virtual' }), 409, 'card_limit_reached');
      const cards = expectStatus<{ data: Card[] }>(await call('GET', `/v1/wallets/${premium.id}/cards`), 200).data;
      assert.equal(new Set(cards.map((card) => card.maskedNumber)).size, 3);
      expectProblem(await call('POST', `/v1/wallets/${premium.id}/cards`, { kind: 'metal' }), 400, 'validation_failed');
    });

    it('freezes cards with a blocked wallet, unfreezes them with it, destroys them when it closes', async () => {
      const owner = await wallet(harness, eur.id);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'plastic' }), 201);
      const cardsOf = async () => expectStatus<{ data: Card[] }>(await call('GET', `/v1/wallets/${owner.id}/cards`), 200).data;
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'blocked', reason: 'lost_or_stolen' }), 200);
      assert.equal((await cardsOf())[0]?.frozen, true);
      expectProblem(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 422, 'wallet_blocked');
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'active', reason: 'review_completed' }), 200);
      assert.equal((await cardsOf())[0]?.frozen, false);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'closed', reason: 'customer_request' }), 200);
      const [destroyed] = await cardsOf();
      assert.equal(destroyed?.active, false);
      assert.notEqual(destroyed?.destroyedAt, null);
      expectProblem(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 422, 'wallet_closed');
    });

    it('shows no full card number in any response, log line or table row', async () => {
      assert.ok(responses.length > 10 && logLines.length > 10, 'the scan has something to scan');
      // The scanner finds a number when there is one.
      const planted = `${bin}123456789`;
      const check = [...Array(10).keys()].find((digit) => luhnValid(planted + digit)) as number;
      assert.equal(cardNumbersIn(`"pan":"${planted}${check}"`).length, 1);
      assert.deepEqual(cardNumbersIn(`"pan":"${planted}${(check + 1) % 10}"`), []);

      for (const text of [...responses, ...logLines]) assert.deepEqual(cardNumbersIn(text), [], text);
      const tables = await harness.store.database.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
      );
      assert.ok(tables.some((table) => table.name === 'cards'));
      let rows = 0;
      for (const { name } of tables) {
        for (const row of await harness.store.database.query(`select row_to_json(t)::text as json from "${name}" t`)) {
          rows++;
          assert.deepEqual(cardNumbersIn(String(row.json)), [], `${name}: ${String(row.json)}`);
        }
      }
      const stored = await harness.store.database.query<{ masked_number: string; number_hash: string }>('select masked_number, number_hash from cards');
      assert.ok(stored.length >= 6 && rows > stored.length);
      for (const card of stored) {
        assert.match(card.masked_number, /^[0-9]{6}\*{6}[0-9]{4}$/);
        assert.match(card.number_hash, /^[0-9a-f]{64}$/);
      }
    });
  });
}
