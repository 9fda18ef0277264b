/**
 * Card numbers: 16 digits from the BIN with a Luhn check digit (checked by an independent
 * implementation), masked to first 6 + last 4, and the expiration status derived from a date.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardExpirationDate, cardNumberOf, expirationStatusOf, luhnCheckDigit, maskCardNumber } from '../../src/domain/card.js';
import { seededRandom } from '../support/random.js';

function luhnValid(digits: string): boolean {
  const sum = [...digits].reverse().reduce((total, char, index) => {
    const doubled = index % 2 === 1 ? Number(char) * 2 : Number(char);
    return total + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  return sum % 10 === 0;
}

describe('card numbers', () => {
  it('are 16 Luhn-valid digits that start with the BIN', () => {
    const random = seededRandom(7);
    for (let index = 0; index < 500; index++) {
      const digits = Array.from({ length: 9 }, () => String(Math.floor(random() * 10))).join('');
      const number = cardNumberOf('400000', digits);
      assert.equal(number.length, 16);
      assert.ok(number.startsWith('400000'));
      assert.ok(luhnValid(number), number);
      assert.ok(!luhnValid(number.slice(0, 15) + String((Number(number[15]) + 1) % 10)));
    }
    assert.equal(luhnCheckDigit('424242424242424'), '2');
  });

  it('are masked to the first 6 and last 4 digits', () => {
    assert.equal(maskCardNumber('4000001234567899'), '400000******7899');
  });

  it('expire at the end of a month, and show EXPIRED only after that day', () => {
    const expires = cardExpirationDate(new Date('2026-11-22T10:00:00Z'), 3);
    assert.equal(expires.toISOString().slice(0, 10), '2029-11-30');
    assert.equal(expirationStatusOf(expires, new Date('2029-11-30T23:59:59Z')), 'ACTIVE');
    assert.equal(expirationStatusOf(expires, new Date('2029-12-01T00:00:00Z')), 'EXPIRED');
    assert.equal(cardExpirationDate(new Date('2028-02-29T00:00:00Z'), 1).toISOString().slice(0, 10), '2029-02-28');
  });
});
