import type { Actor } from '../domain/api-key.js';
import type { Balance } from '../domain/balance.js';
import { exactValue } from '../domain/conversion.js';
import type { Currency } from '../domain/currency.js';
import { CofferError } from '../domain/errors.js';
import { formatDecimal } from '../domain/money.js';
import type { Rate } from '../domain/rate.js';
import { notFound } from './access.js';
import type { ServiceContext } from './context.js';
import { type BalanceReading, readBalance } from './ledger-reads.js';
import { currentRate } from './rates.js';

export const balanceUnits = ['major', 'minor'] as const;
export type BalanceUnit = (typeof balanceUnits)[number];

const balanceFields = ['posted', 'held', 'pending', 'available', 'ledger', 'creditLimit'] as const;
export type BalanceField = (typeof balanceFields)[number];

/**
 * One balance shown in one unit: the wallet's own currency (major "0.00050000" BTC, minor
 * "50000" sat) or valued in another currency at its current rate (major "32.50" USD, minor
 * "3250" cent). Values are exact decimals, never rounded; a valued minor amount may therefore
 * carry a fractional part ("0.06500012" cent for 1 satoshi).
 */
export interface BalanceView {
  readonly unit: BalanceUnit;
  readonly currencyId: string;
  readonly code: string;
  /** The rate used (1 unit of the wallet currency = rate units of this one); null for the wallet's own currency. */
  readonly rate: Rate | null;
  readonly rateSetAt: Date | null;
  readonly amounts: Readonly<Record<BalanceField, string>>;
}

export interface BalanceUnitsQuery {
  readonly units: readonly BalanceUnit[];
  readonly valueIn?: string;
}

/** Parses `units=major,minor` (either or both, any order, no repeats). */
export function parseUnits(text: string | undefined): BalanceUnit[] {
  if (text === undefined) return [...balanceUnits];
  const parts = text.split(',');
  const valid =
    parts.length <= balanceUnits.length && new Set(parts).size === parts.length && parts.every((part) => (balanceUnits as readonly string[]).includes(part));
  if (!valid)
    throw new CofferError('validation_failed', 'units is a comma-separated list of "major" and "minor".', [
      { field: 'units', message: 'must be major, minor or major,minor' },
    ]);
  return parts as BalanceUnit[];
}

function ownView(balance: Balance, currency: Currency, unit: BalanceUnit): BalanceView {
  const show = (value: bigint) => (unit === 'minor' ? value.toString() : formatDecimal(value, currency.fraction));
  const amounts = Object.fromEntries(balanceFields.map((field) => [field, show(balance[field])])) as Record<BalanceField, string>;
  return { unit, currencyId: currency.id, code: currency.code, rate: null, rateSetAt: null, amounts };
}

function valuedView(balance: Balance, source: Currency, target: Currency, rate: Rate, rateSetAt: Date, unit: BalanceUnit): BalanceView {
  const amounts = Object.fromEntries(balanceFields.map((field) => [field, exactValue(balance[field], rate, source.fraction, target.fraction, unit)])) as Record<
    BalanceField,
    string
  >;
  return { unit, currencyId: target.id, code: target.code, rate, rateSetAt, amounts };
}

/** A balance reading (now or at `at`) with views in the requested units, and valued in `valueIn` at the current rate. */
export async function readBalanceInUnits(
  ctx: ServiceContext,
  actor: Actor,
  walletId: string,
  at: Date | undefined,
  query: BalanceUnitsQuery,
): Promise<BalanceReading & { readonly views: readonly BalanceView[] }> {
  const reading = await readBalance(ctx, actor, walletId, at);
  const source = await ctx.store.read.getCurrency(reading.currencyId);
  if (source === null) throw notFound('currency', reading.currencyId);
  const views = query.units.map((unit) => ownView(reading.balance, source, unit));
  if (query.valueIn !== undefined) {
    const target = await ctx.store.read.getCurrency(query.valueIn);
    if (target === null) throw notFound('currency', query.valueIn);
    const rate = await currentRate(ctx.store.read, source.id, target.id);
    views.push(...query.units.map((unit) => valuedView(reading.balance, source, target, rate.rate, rate.setAt, unit)));
  }
  return { ...reading, views };
}
