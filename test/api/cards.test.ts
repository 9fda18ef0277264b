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
  frozenByCard: boolean;
  frozenByWallet: boolean;
  replacesCardId: string | null;
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

    it('freezes a card by itself apart from its wallet: its own freeze outlasts an unblock, a block-only freeze thaws with it', async () => {
      const owner = await wallet(harness, eur.id, { program: 'premium' });
      const own = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'plastic' }), 201);
      const other = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      const cardOf = async (id: string) => expectStatus<Card>(await call('GET', `/v1/cards/${id}`), 200);
      const frozen = expectStatus<Card>(await call('POST', `/v1/cards/${own.id}/freeze`), 200);
      assert.deepEqual([frozen.frozen, frozen.frozenByCard, frozen.frozenByWallet], [true, true, false]);
      // Freezing again changes nothing (and records no second event).
      assert.equal(expectStatus<Card>(await call('POST', `/v1/cards/${own.id}/freeze`, {}), 200).frozen, true);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'blocked', reason: 'suspected_fraud' }), 200);
      const [ownBlocked, otherBlocked] = [await cardOf(own.id), await cardOf(other.id)];
      assert.deepEqual([ownBlocked.frozenByCard, ownBlocked.frozenByWallet], [true, true]);
      assert.deepEqual([otherBlocked.frozen, otherBlocked.frozenByCard, otherBlocked.frozenByWallet], [true, false, true]);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'active', reason: 'review_completed' }), 200);
      assert.deepEqual([(await cardOf(own.id)).frozen, (await cardOf(other.id)).frozen], [true, false]);
      const listed = expectStatus<{ data: Card[] }>(await call('GET', `/v1/wallets/${owner.id}/cards`), 200).data;
      assert.deepEqual(
        listed.map((card) => [card.id, card.frozen]),
        [
          [own.id, true],
          [other.id, false],
        ],
      );
      const thawed = expectStatus<Card>(await call('POST', `/v1/cards/${own.id}/unfreeze`), 200);
      assert.deepEqual([thawed.frozen, thawed.frozenByCard], [false, false]);
      // Unfreezing a card of a blocked wallet lifts its own freeze only: the block still holds it.
      expectStatus(await call('POST', `/v1/cards/${own.id}/freeze`), 200);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'blocked' }), 200);
      const stillFrozen = expectStatus<Card>(await call('POST', `/v1/cards/${own.id}/unfreeze`), 200);
      assert.deepEqual([stillFrozen.frozen, stillFrozen.frozenByCard, stillFrozen.frozenByWallet], [true, false, true]);
      const events = expectStatus<{ data: { type: string; subjectId: string }[] }>(
        await call('GET', '/v1/events?types=card.frozen,card.unfrozen&limit=500'),
        200,
      );
      assert.deepEqual(
        events.data.filter((event) => event.subjectId === own.id).map((event) => event.type),
        ['card.frozen', 'card.unfrozen', 'card.frozen', 'card.unfrozen'],
      );
    });

    it('destroys and replaces a card: the replacement has a new number and names the card it replaced', async () => {
      const owner = await wallet(harness, eur.id);
      const original = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'plastic', name: 'BOB EXAMPLE' }), 201);
      expectStatus(await call('POST', `/v1/cards/${original.id}/freeze`), 200);
      const replacement = expectStatus<Card & { name: string }>(await call('POST', `/v1/cards/${original.id}/replace`), 201);
      assert.notEqual(replacement.id, original.id);
      assert.equal(replacement.replacesCardId, original.id);
      assert.deepEqual([replacement.kind, replacement.name, replacement.active, replacement.frozen], ['plastic', 'BOB EXAMPLE', true, false]);
      const stored = await harness.store.database.query<{ number_hash: string }>('select number_hash from cards where id = any($1::uuid[])', [
        [original.id, replacement.id],
      ]);
      assert.equal(new Set(stored.map((row) => row.number_hash)).size, 2, 'a new number');
      const old = expectStatus<Card>(await call('GET', `/v1/cards/${original.id}`), 200);
      assert.equal(old.active, false);
      assert.notEqual(old.destroyedAt, null);
      assert.equal(old.frozen, false, 'a destroyed card is not shown as frozen');
      for (const action of ['freeze', 'unfreeze', 'replace']) expectProblem(await call('POST', `/v1/cards/${original.id}/${action}`), 422, 'card_destroyed');
      // The one active card per wallet is still one: the replacement took the old card's place.
      expectProblem(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 409, 'card_limit_reached');
      const destroyed = expectStatus<Card>(await call('POST', `/v1/cards/${replacement.id}/destroy`), 200);
      assert.equal(destroyed.active, false);
      assert.equal(expectStatus<Card>(await call('POST', `/v1/cards/${replacement.id}/destroy`), 200).destroyedAt, destroyed.destroyedAt);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      expectStatus(await call('POST', `/v1/wallets/${owner.id}/status`, { status: 'blocked' }), 200);
      const [live] = expectStatus<{ data: Card[] }>(await call('GET', `/v1/wallets/${owner.id}/cards`), 200).data.filter((card) => card.active);
      expectProblem(await call('POST', `/v1/cards/${live?.id}/replace`), 422, 'wallet_blocked');
      const events = expectStatus<{ data: { type: string; subjectId: string; data: Record<string, unknown> }[] }>(
        await call('GET', '/v1/events?types=card.replaced,card.destroyed&limit=500'),
        200,
      );
      const mine = events.data.filter((event) => event.subjectId === original.id || event.subjectId === replacement.id);
      assert.deepEqual(
        mine.map((event) => event.type),
        ['card.replaced', 'card.destroyed'],
      );
      assert.equal(mine[0]?.data.replacedByCardId, replacement.id);
    });

    it('shows EXPIRED past the expiration date in every answer, with no sweep', async () => {
      const owner = await wallet(harness, eur.id);
      const card = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      await harness.store.database.query(`update cards set expiration_date = (current_date - 1) where id = $1`, [card.id]);
      assert.equal(expectStatus<Card>(await call('GET', `/v1/cards/${card.id}`), 200).expirationStatus, 'EXPIRED');
      assert.equal(expectStatus<{ data: Card[] }>(await call('GET', `/v1/wallets/${owner.id}/cards`), 200).data[0]?.expirationStatus, 'EXPIRED');
      assert.equal(expectStatus<Card>(await call('POST', `/v1/cards/${card.id}/freeze`), 200).expirationStatus, 'EXPIRED');
      await harness.store.database.query(`update cards set expiration_date = current_date where id = $1`, [card.id]);
      assert.equal(expectStatus<Card>(await call('GET', `/v1/cards/${card.id}`), 200).expirationStatus, 'ACTIVE', 'valid through its last day');
      // A replacement of an expired card is a fresh card.
      await harness.store.database.query(`update cards set expiration_date = '2020-01-31' where id = $1`, [card.id]);
      assert.equal(expectStatus<Card>(await call('POST', `/v1/cards/${card.id}/replace`), 201).expirationStatus, 'ACTIVE');
    });

    it("answers 404 for another merchant's card on every card route, and 403 without the write scope", async () => {
      const owner = await wallet(harness, eur.id, { merchantId: 'acme' });
      const card = expectStatus<Card>(await call('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }), 201);
      const acme = await harness.merchantKey('acme');
      const globex = await harness.merchantKey('globex');
      expectProblem(await harness.request('GET', `/v1/cards/${card.id}`, undefined, { key: globex }), 404, 'not_found');
      for (const action of ['freeze', 'unfreeze', 'destroy', 'replace']) {
        expectProblem(await harness.request('POST', `/v1/cards/${card.id}/${action}`, {}, { key: globex }), 404, 'not_found');
      }
      expectProblem(await harness.request('GET', `/v1/cards/${card.id}/authorizations`, undefined, { key: globex }), 404, 'not_found');
      const readOnly = await harness.merchantKey('acme', ['read']);
      expectProblem(await harness.request('POST', `/v1/cards/${card.id}/freeze`, {}, { key: readOnly }), 403, 'forbidden');
      assert.equal(expectStatus<Card>(await harness.request('GET', `/v1/cards/${card.id}`, undefined, { key: readOnly }), 200).frozen, false);
      assert.equal(expectStatus<Card>(await harness.request('POST', `/v1/cards/${card.id}/freeze`, {}, { key: acme }), 200).frozen, true);
      expectProblem(await call('GET', '/v1/cards/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
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
