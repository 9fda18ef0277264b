/** Amount helpers: minor units as digit strings or bigint, exact, never floats. */

function fractionDigits(fraction: number | string | bigint): number {
  const text = typeof fraction === 'bigint' ? fraction.toString() : String(fraction);
  if (!/^10*$/.test(text)) throw new RangeError(`A fraction is a power of ten (1, 10, 100…), not ${text}.`);
  return text.length - 1;
}

/**
 * Formats minor units as a major-unit decimal string: `formatMinor("1050", 100) === "10.50"`,
 * `formatMinor(-5n, 100) === "-0.05"`, `formatMinor("7", 1) === "7"`.
 */
export function formatMinor(amount: string | bigint | number, fraction: number | string | bigint): string {
  const digits = fractionDigits(fraction);
  const text = typeof amount === 'bigint' ? amount.toString() : String(amount);
  if (!/^-?[0-9]+$/.test(text) || (typeof amount === 'number' && !Number.isSafeInteger(amount)))
    throw new RangeError(`Not a whole number of minor units: ${text}`);
  const negative = text.startsWith('-');
  const magnitude = (negative ? text.slice(1) : text).replace(/^0+(?=[0-9])/, '');
  if (digits === 0) return `${negative && magnitude !== '0' ? '-' : ''}${magnitude}`;
  const padded = magnitude.padStart(digits + 1, '0');
  const result = `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  return negative && /[1-9]/.test(magnitude) ? `-${result}` : result;
}

/**
 * Parses a major-unit decimal string into minor units, exactly: `parseMajor("10.50", 100) === 1050n`,
 * `parseMajor("10.5", 100) === 1050n`. Refuses more decimals than the fraction allows, signs other
 * than a leading `-`, exponents and anything that is not a plain decimal.
 */
export function parseMajor(amount: string, fraction: number | string | bigint): bigint {
  const digits = fractionDigits(fraction);
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(amount.trim());
  if (match === null) throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, whole, decimals = ''] = match;
  if (decimals.length > digits) throw new RangeError(`${amount} has more decimals than the currency allows (${digits}).`);
  const minor = BigInt(`${whole}${decimals.padEnd(digits, '0')}`);
  return sign === '-' ? -minor : minor;
}
