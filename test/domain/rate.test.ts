/**
 * Rates and conversion, exactly: a rate string becomes a bigint rational (never a float), bad
 * strings are refused with `rate_invalid`, and conversion rounds down to the target minor unit
 * in bigint arithmetic; valuations are exact decimals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertAmount, exactValue } from '../../src/domain/conversion.js';
import { CofferError } from '../../src/domain/errors.js';
import { formatRate, parseRate } from '../../src/domain/rate.js';

describe('parseRate', () => {
  const valid: [string, bigint, number, string][] = [
    ['0.92', 92n, 2, '0.92'],
    ['151.37', 15137n, 2, '151.37'],
    ['1', 1n, 0, '1'],
    ['1.000', 1n, 0, '1'],
    ['0010.50', 105n, 1, '10.5'],
    ['0.000000000000000000000000000000000001', 1n, 36, '0.000000000000000000000000000000000001'],
    ['999999999999999999', 999999999999999999n, 0, '999999999999999999'],
    ['123456789.123456789', 123456789123456789n, 9, '123456789.123456789'],
  ];
  for (const [text, numerator, scale, canonical] of valid) {
    it(`reads "${text}" as ${numerator}/10^${scale}, shown as "${canonical}"`, () => {
      const rate = parseRate(text);
      assert.deepEqual(rate, { numerator, scale });
      assert.equal(formatRate(rate), canonical);
    });
  }

  const invalid: string[] = [
    '0',
    '0.000',
    '-1',
    '+1',
    'abc',
    '1e5',
    '1E5',
    '',
    ' 1',
    '1 ',
    '.5',
    '5.',
    '1,5',
    '0x10',
    'Infinity',
    'NaN',
    '123456789012345678901234567890',
    '1234567890123456789',
    '0.1234567890123456789',
    '0.0000000000000000000000000000000000001',
    '1'.padEnd(70, '0'),
  ];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)} with rate_invalid`, () => {
      assert.throws(
        () => parseRate(text),
        (error: unknown) => error instanceof CofferError && error.code === 'rate_invalid',
      );
    });
  }
});

describe('convertAmount', () => {
  const cases: [string, bigint, string, bigint, bigint, bigint][] = [
    ['0.01 USD at 151.37 JPY/USD gives 1 JPY', 1n, '151.37', 100n, 1n, 1n],
    ['10.00 USD at 0.92 gives 9.20 EUR', 1000n, '0.92', 100n, 100n, 920n],
    ['1 JPY at 0.0066 USD/JPY gives 0 cents (refused by the planner)', 1n, '0.0066', 1n, 100n, 0n],
    ['1 satoshi at 65000.12 USD/BTC gives 0 cents', 1n, '65000.12', 100_000_000n, 100n, 0n],
    ['0.0005 BTC at 65000.12 gives 32.50 USD (32.50006 rounded down)', 50_000n, '65000.12', 100_000_000n, 100n, 3250n],
    ['same code at rate 1 keeps the amount', 12345n, '1', 100n, 100n, 12345n],
    ['2^63-1 minor units at 10^-36 gives 0', 2n ** 63n - 1n, '0.000000000000000000000000000000000001', 1n, 1n, 0n],
    ['1 unit of fraction 1 into fraction 10^18 at 1', 1n, '1', 1n, 10n ** 18n, 10n ** 18n],
  ];
  for (const [name, amount, rate, sourceFraction, targetFraction, expected] of cases) {
    it(name, () => assert.equal(convertAmount(amount, parseRate(rate), sourceFraction, targetFraction), expected));
  }
});

describe('exactValue', () => {
  const cases: [string, bigint, string, bigint, bigint, 'major' | 'minor', string][] = [
    ['1 satoshi in USD at 65000.12', 1n, '65000.12', 100_000_000n, 100n, 'major', '0.0006500012'],
    ['1 satoshi in cents at 65000.12', 1n, '65000.12', 100_000_000n, 100n, 'minor', '0.06500012'],
    ['10.00 USD in EUR at 0.92 keeps the two digits', 1000n, '0.92', 100n, 100n, 'major', '9.20'],
    ['10.00 USD in euro cents at 0.92', 1000n, '0.92', 100n, 100n, 'minor', '920'],
    ['a negative balance keeps its sign', -1000n, '0.92', 100n, 100n, 'major', '-9.20'],
    ['zero', 0n, '151.37', 100n, 1n, 'major', '0'],
  ];
  for (const [name, amount, rate, sourceFraction, targetFraction, unit, expected] of cases) {
    it(name, () => assert.equal(exactValue(amount, parseRate(rate), sourceFraction, targetFraction, unit), expected));
  }
});
