/** Money at the edge: strings of digits and exact integers in, bigint minor units inside, exact decimals out. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError } from '../../src/domain/errors.js';
import { formatDecimal, parseAmount } from '../../src/domain/money.js';

describe('parseAmount', () => {
  const valid: [string | number, bigint][] = [
    ['1', 1n],
    ['1050', 1050n],
    [42, 42n],
    [Number.MAX_SAFE_INTEGER, 9007199254740991n],
    ['9223372036854775807', 9223372036854775807n],
    ['007', 7n],
  ];
  for (const [input, expected] of valid) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => assert.equal(parseAmount(input), expected));
  }

  const invalid: [unknown, string][] = [
    ['0', 'amount_invalid'],
    [0, 'amount_invalid'],
    ['-1', 'amount_invalid'],
    [-1, 'amount_invalid'],
    ['1.5', 'amount_invalid'],
    [1.5, 'amount_invalid'],
    ['abc', 'amount_invalid'],
    ['', 'amount_invalid'],
    [' 1', 'amount_invalid'],
    ['1e3', 'amount_invalid'],
    [2 ** 53, 'amount_invalid'],
    ['9223372036854775808', 'amount_too_large'],
    ['99999999999999999999999999999999', 'amount_too_large'],
  ];
  for (const [input, code] of invalid) {
    it(`refuses ${JSON.stringify(input)} with ${code}`, () => {
      assert.throws(
        () => parseAmount(input as string),
        (error: unknown) => error instanceof CofferError && error.code === code,
      );
    });
  }
});

describe('formatDecimal', () => {
  const cases: [bigint, bigint, string][] = [
    [1050n, 100n, '10.50'],
    [5n, 100n, '0.05'],
    [-5n, 100n, '-0.05'],
    [7n, 1n, '7'],
    [50000n, 100000000n, '0.00050000'],
    [1n, 10n ** 18n, '0.000000000000000001'],
    [9223372036854775807n, 100n, '92233720368547758.07'],
  ];
  for (const [amount, fraction, expected] of cases) {
    it(`shows ${amount} with fraction ${fraction} as ${expected}`, () => assert.equal(formatDecimal(amount, fraction), expected));
  }
});
