import { CofferError } from './errors.js';
import { limits } from './limits.js';

/**
 * Money is a bigint count of minor units inside Coffer and a string of digits at the edge.
 * A JSON integer is accepted on input only while it is exact (up to 2^53-1).
 */
export function parseAmount(value: string | number, field = 'amount'): bigint {
  let amount: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CofferError('amount_invalid', `${field} must be a string of digits or a JSON integer up to 2^53-1.`, [
        { field, message: 'not an exact integer' },
      ]);
    }
    amount = BigInt(value);
  } else {
    if (!/^[0-9]{1,40}$/.test(value)) {
      throw new CofferError('amount_invalid', `${field} must be a string of digits (minor units), such as "1050".`, [
        { field, message: 'not a string of digits' },
      ]);
    }
    amount = BigInt(value);
  }
  if (amount <= 0n) {
    throw new CofferError('amount_invalid', `${field} must be greater than zero.`, [{ field, message: 'must be > 0' }]);
  }
  if (amount > limits.amountMax) {
    throw new CofferError('amount_too_large', `${field} must be at most 9223372036854775807 minor units.`, [{ field, message: 'must be <= 2^63-1' }]);
  }
  return amount;
}

/** Number of decimal digits of a fraction (10^n → n). The fraction must be a power of ten. */
export function fractionDigits(fraction: bigint): number {
  const digits = fraction.toString().length - 1;
  if (fraction <= 0n || 10n ** BigInt(digits) !== fraction) throw new RangeError('fraction is not a power of ten');
  return digits;
}

/** Exact decimal view of a minor-unit amount: 1050 with fraction 100 → "10.50". */
export function formatDecimal(amount: bigint, fraction: bigint): string {
  const digits = fractionDigits(fraction);
  const negative = amount < 0n;
  const magnitude = (negative ? -amount : amount).toString().padStart(digits + 1, '0');
  const units = magnitude.slice(0, magnitude.length - digits);
  const minor = magnitude.slice(magnitude.length - digits);
  return `${negative ? '-' : ''}${units}${digits > 0 ? `.${minor}` : ''}`;
}
