import { CofferError } from './errors.js';
import { limits } from './limits.js';
import { formatDecimal } from './money.js';

/**
 * An exchange rate as an exact rational: `numerator / 10^scale` units of the quote currency for
 * one unit of the base currency. Never a float: "0.92" is { numerator: 92n, scale: 2 }.
 * The form is canonical (no trailing zeros in the fraction), so equal rates compare equal.
 */
export interface Rate {
  readonly numerator: bigint;
  readonly scale: number;
}

/** The current rate of an ordered currency pair: 1 unit of base = rate units of quote. */
export interface CurrencyRate {
  readonly baseCurrencyId: string;
  readonly quoteCurrencyId: string;
  readonly rate: Rate;
  /** The API key that set it. */
  readonly setBy: string | null;
  readonly setAt: Date;
}

const ratePattern = /^([0-9]+)(?:\.([0-9]+))?$/;

function refuse(detail: string, field: string): CofferError {
  return new CofferError('rate_invalid', detail, [{ field, message: detail }]);
}

/**
 * Reads a rate from its decimal string: digits, an optional point and more digits. No sign, no
 * exponent, no spaces; greater than zero; at most `limits.rateSignificantDigitsMax` significant
 * digits and `limits.rateScaleMax` digits after the point.
 */
export function parseRate(text: string, field = 'rate'): Rate {
  if (text.length > limits.rateTextLengthMax) throw refuse(`${field} is longer than ${limits.rateTextLengthMax} characters.`, field);
  const match = ratePattern.exec(text);
  if (match === null) {
    throw refuse(`${field} must be a positive decimal string such as "0.92" (digits and one optional point; no sign, no exponent).`, field);
  }
  let digits = `${match[1] ?? ''}${match[2] ?? ''}`;
  let scale = (match[2] ?? '').length;
  while (scale > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale -= 1;
  }
  const numerator = BigInt(digits);
  if (numerator === 0n) throw refuse(`${field} must be greater than zero.`, field);
  if (numerator.toString().length > limits.rateSignificantDigitsMax) {
    throw refuse(`${field} has more than ${limits.rateSignificantDigitsMax} significant digits.`, field);
  }
  if (scale > limits.rateScaleMax) throw refuse(`${field} has more than ${limits.rateScaleMax} digits after the point.`, field);
  return { numerator, scale };
}

/** The canonical decimal string of a rate: { 92n, 2 } → "0.92", { 15137n, 2 } → "151.37". */
export function formatRate(rate: Rate): string {
  return formatDecimal(rate.numerator, 10n ** BigInt(rate.scale));
}

export interface RateFilter {
  readonly baseCurrencyId?: string;
  readonly quoteCurrencyId?: string;
  /** Keyset: the last pair seen, as "base/quote". */
  readonly after?: { readonly baseCurrencyId: string; readonly quoteCurrencyId: string };
  readonly limit: number;
}
