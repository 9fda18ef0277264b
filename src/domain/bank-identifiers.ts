import { composeIBAN, getCountrySpecifications, isValidBBAN, isValidIBAN } from 'ibantools';
import { assert } from './assert.js';

/**
 * Bank identifiers generated for wallets: IBANs (ISO 13616) for the currencies configured for
 * them, UK sort code + account number for GBP, US routing + account number for USD. Account
 * numbers come from a database sequence (`serial`), so they are unique and never reused.
 */
export interface IbanPlan {
  readonly countryCode: string;
  /** The leading part of the BBAN that names the bank (and branch); the rest is the account. */
  readonly bankCode: string;
}

export type InstrumentKind = 'iban' | 'uk_account' | 'us_account';

/** An instrument's verification status (Paysafe's): set by an admin; generated identifiers start VERIFIED. */
export const instrumentStatuses = ['VERIFIED', 'UNVERIFIED', 'VERIFICATION_REQUIRED', 'REJECTED'] as const;
export type InstrumentStatus = (typeof instrumentStatuses)[number];

/** The generated numbers of one instrument; the fields of other kinds are null. */
export interface BankIdentifier {
  readonly kind: InstrumentKind;
  readonly iban: string | null;
  readonly sortCode: string | null;
  readonly routingNumber: string | null;
  readonly accountNumber: string | null;
}

function bbanLength(countryCode: string): number {
  const spec = getCountrySpecifications()[countryCode];
  if (spec?.chars === undefined || spec.chars === null) throw new Error(`${countryCode} has no IBAN format`);
  return spec.chars - 4;
}

/** Parses `EUR:DE:37040044,BGN:BG:COFF0001` (currency code : country : bank code), checking each BBAN format. */
export function parseIbanPlans(text: string): ReadonlyMap<string, IbanPlan> {
  const plans = new Map<string, IbanPlan>();
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [currencyCode, countryCode, bankCode] = item.split(':');
    if (currencyCode === undefined || countryCode === undefined || bankCode === undefined) throw new Error(`IBAN plan "${item}" is not CODE:COUNTRY:BANKCODE`);
    const plan = { countryCode, bankCode };
    // The smallest account number must make a valid BBAN, or the country's format is not one we can fill.
    ibanOf(plan, 1n);
    plans.set(currencyCode, plan);
  }
  return plans;
}

/** The IBAN of account `serial` under a plan: bank code, the account number zero-padded, and ISO 13616 check digits. */
export function ibanOf(plan: IbanPlan, serial: bigint): string {
  const accountLength = bbanLength(plan.countryCode) - plan.bankCode.length;
  const account = serial.toString().padStart(accountLength, '0');
  if (accountLength <= 0 || account.length > accountLength)
    throw new Error(`no room for account ${serial} in a ${plan.countryCode} BBAN after ${plan.bankCode}`);
  const bban = plan.bankCode + account;
  if (!isValidBBAN(bban, plan.countryCode)) throw new Error(`${bban} is not a valid ${plan.countryCode} BBAN`);
  const iban = composeIBAN({ countryCode: plan.countryCode, bban });
  assert(iban !== null && isValidIBAN(iban), `composed IBAN for ${plan.countryCode} is valid`);
  return iban;
}

/** A UK account: the configured 6-digit sort code and an 8-digit account number. */
export function ukAccountOf(sortCode: string, serial: bigint): BankIdentifier {
  assert(/^[0-9]{6}$/.test(sortCode), 'a sort code is 6 digits');
  const accountNumber = (serial % 100_000_000n).toString().padStart(8, '0');
  return { kind: 'uk_account', iban: null, sortCode, routingNumber: null, accountNumber };
}

/** ABA routing numbers carry a checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
export function isValidRoutingNumber(routingNumber: string): boolean {
  if (!/^[0-9]{9}$/.test(routingNumber)) return false;
  const d = [...routingNumber].map(Number) as number[];
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return d.reduce((sum, digit, index) => sum + digit * (weights[index] as number), 0) % 10 === 0;
}

/** A US account: the configured routing number and a 12-digit account number. */
export function usAccountOf(routingNumber: string, serial: bigint): BankIdentifier {
  assert(isValidRoutingNumber(routingNumber), 'the routing number passes the ABA checksum');
  return { kind: 'us_account', iban: null, sortCode: null, routingNumber, accountNumber: serial.toString().padStart(12, '0') };
}

/** Which identifier a wallet of this currency gets, if any: IBAN plans first, then GBP and USD fiat. */
export function identifierKindFor(
  currency: { readonly code: string; readonly assetType: string },
  ibanPlans: ReadonlyMap<string, IbanPlan>,
): InstrumentKind | null {
  if (ibanPlans.has(currency.code)) return 'iban';
  if (currency.assetType !== 'fiat') return null;
  if (currency.code === 'GBP') return 'uk_account';
  if (currency.code === 'USD') return 'us_account';
  return null;
}

/** A bank identifier linked to a wallet; deactivated when the wallet closes. */
export interface Instrument extends BankIdentifier {
  readonly id: string;
  readonly walletId: string;
  readonly active: boolean;
  /** Set by an admin (Paysafe's instrument status); identifiers Coffer generates start VERIFIED. */
  readonly status: InstrumentStatus;
  readonly externallyVerified: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deactivatedAt: Date | null;
}

/** What an admin may change on an instrument. */
export interface InstrumentPatch {
  readonly status?: InstrumentStatus;
  readonly externallyVerified?: boolean;
}
