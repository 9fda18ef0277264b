/**
 * Screening of free text: control characters and lone surrogates are refused; card numbers are
 * recognised (13–19 digits, Luhn-valid, a network's prefix; in one piece or grouped, followed by
 * a CVV or not) without flagging amounts, long references, dates or ids; and masking removes them
 * from text Coffer echoes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsCardNumber, luhnValid, maskCardNumbers, screenText } from '../../src/domain/text-screen.js';

describe('text screening', () => {
  const cards = ['4539578763621486', '4539 5787 6362 1486', '4539-5787-6362-1486', 'card 4539 5787 6362 1486 exp 12/30 cvv 737', 'x4539578763621486y', '378282246310005', '5555555555554444'];
  for (const text of cards) it(`finds the card number in ${JSON.stringify(text)}`, () => assert.equal(screenText(text), 'card_number'));

  const clean = ['4539578763621487', '9223372036854775807', 'bad-9223372036854775808', '45395787636214861', 'invoice 2026-01-02', '019b7ca9-8f2e-7028-853a-16edb2781fff', 'Zürich café ✓', 'tab\tand\nnewline\r', '1234567890123'];
  for (const text of clean) it(`lets ${JSON.stringify(text)} through`, () => assert.equal(screenText(text), null));

  const controls: readonly [string, string][] = [['NUL', 'a\u0000'], ['escape', '\u001b[2J'], ['bell', '\u0007'], ['DEL', '\u007f'], ['C1 NEL', '\u0085']];
  for (const [name, text] of controls) it(`refuses ${name}`, () => assert.equal(screenText(text), 'control_character'));
  it('refuses a lone surrogate but keeps a pair', () => {
    assert.equal(screenText('a\ud800'), 'lone_surrogate');
    assert.equal(screenText('😀'), null);
  });

  it('computes the Luhn check', () => {
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(luhnValid('79927398710'), false);
  });

  it('masks card numbers and leaves other text as it was', () => {
    assert.equal(maskCardNumbers('/v1/wallets/4539578763621486/balance'), '/v1/wallets/[card number removed]/balance');
    assert.equal(containsCardNumber(maskCardNumbers('pay 4539 5787 6362 1486 cvv 737')), false);
    assert.equal(maskCardNumbers('amount 9223372036854775807'), 'amount 9223372036854775807');
  });
});

describe('text screening and IBANs', () => {
  /** An IBAN with ISO 13616 check digits, computed independently of the code under test. */
  function iban(country: string, bban: string): string {
    const numeric = [...`${bban}${country}00`].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
    const check = 98n - (BigInt(numeric) % 97n);
    return `${country}${check.toString().padStart(2, '0')}${bban}`;
  }
  const grouped = (value: string) => value.replace(/(.{4})/g, '$1 ').trim();

  it('never takes a valid IBAN, grouped or compact, for a card number', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let index = 0; index < 500; index++) {
      const account = String(next()).padStart(10, '0') + String(next() % 100_000_000).padStart(8, '0');
      const value = iban('DE', account);
      assert.equal(screenText(value), null, value);
      assert.equal(screenText(grouped(value)), null, grouped(value));
      assert.equal(screenText(grouped(value).toLowerCase()), null);
    }
  });

  it('still finds a card number written next to an IBAN, and in a string that only looks like an IBAN', () => {
    assert.equal(screenText(`${grouped(iban('DE', '370400440532013000'))} 4539 5787 6362 1486`), 'card_number');
    assert.equal(screenText('DE00 4539 5787 6362 1486'), 'card_number');
  });
});
