import { CofferError } from './errors.js';
import { limits } from './limits.js';

export const assetTypes = ['fiat', 'crypto', 'emoney', 'points'] as const;
export type AssetType = (typeof assetTypes)[number];

/** The system accounts every currency gets on creation. */
export const systemWalletTypes = ['issuing', 'settlement', 'fees', 'fx'] as const;
export type SystemWalletType = (typeof systemWalletTypes)[number];

export interface Currency {
  readonly id: string;
  readonly code: string;
  readonly numericCode: string | null;
  readonly name: string;
  readonly symbol: string | null;
  readonly fraction: bigint;
  readonly assetType: AssetType;
  readonly active: boolean;
  readonly serialPrefix: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const codePattern = /^[A-Za-z0-9_]{1,12}$/;

export function checkCurrencyCode(code: string): void {
  if (!codePattern.test(code)) {
    throw new CofferError('currency_code_invalid', `"${code.slice(0, 20)}" is not a currency code: use 1 to 12 of A-Z, a-z, 0-9 and _.`, [
      { field: 'code', message: 'must match ^[A-Za-z0-9_]{1,12}$' },
    ]);
  }
}

/** A fraction is 10^n for n in 0..18. Returns it as bigint. */
export function checkFraction(fraction: number | string): bigint {
  const text = String(fraction);
  const valid = /^10*$/.test(text) && text.length <= 19;
  if (!valid) {
    throw new CofferError('currency_fraction_invalid', `fraction ${text.slice(0, 30)} is not a power of ten from 1 to 10^18.`, [
      { field: 'fraction', message: 'must be 1, 10, 100, ... 10^18' },
    ]);
  }
  const value = BigInt(text);
  if (value > limits.fractionMax) throw new CofferError('currency_fraction_invalid');
  return value;
}

export interface CurrencyFilter {
  readonly active?: boolean;
  readonly code?: string;
  readonly afterId?: string;
  readonly limit: number;
}

export interface CurrencyPatch {
  readonly name?: string;
  readonly symbol?: string | null;
  readonly active?: boolean;
  readonly serialPrefix?: string | null;
  readonly numericCode?: string | null;
}
