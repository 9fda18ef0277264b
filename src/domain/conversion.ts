import { assert } from './assert.js';
import { fractionDigits, formatDecimal } from './money.js';
import type { Rate } from './rate.js';

/**
 * Converts a source amount in minor units to target minor units, rounded down:
 * floor(amount × rate × targetFraction / sourceFraction), all in bigint arithmetic.
 * Rounding down means the customer never receives more than the rate gives; the part of a
 * target minor unit that is not paid out simply stays unconverted (the fx accounts balance).
 */
export function convertAmount(amount: bigint, rate: Rate, sourceFraction: bigint, targetFraction: bigint): bigint {
  assert(amount >= 0n, 'only non-negative amounts are converted');
  assert(rate.numerator > 0n && rate.scale >= 0, 'a rate is positive');
  return (amount * rate.numerator * targetFraction) / (10n ** BigInt(rate.scale) * sourceFraction);
}

/** Removes trailing zeros after the point, keeping at least `minDigits` of them. */
function trimFraction(decimal: string, minDigits: number): string {
  const point = decimal.indexOf('.');
  if (point < 0) return decimal;
  let end = decimal.length;
  while (end > point + 1 + minDigits && decimal[end - 1] === '0') end -= 1;
  return decimal.slice(0, end === point + 1 ? point : end);
}

/**
 * The exact value of a (possibly negative) minor-unit amount in another currency, as a decimal
 * string, never rounded. Because fractions and rate scales are powers of ten, the value always
 * has a finite decimal form. `in` chooses the target's major unit (at least its fraction's
 * digits are shown, "9.20") or its minor unit ("0.06500012" cents for 1 satoshi).
 */
export function exactValue(amount: bigint, rate: Rate, sourceFraction: bigint, targetFraction: bigint, unit: 'major' | 'minor'): string {
  const denominator = 10n ** BigInt(rate.scale) * sourceFraction;
  const numerator = amount * rate.numerator * (unit === 'minor' ? targetFraction : 1n);
  return trimFraction(formatDecimal(numerator, denominator), unit === 'major' ? fractionDigits(targetFraction) : 0);
}
