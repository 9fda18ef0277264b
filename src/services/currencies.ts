import currencyCodes from 'currency-codes';
import type { Actor } from '../domain/api-key.js';
import { type AssetType, checkCurrencyCode, checkFraction, type Currency, systemWalletTypes, type CurrencyPatch } from '../domain/currency.js';
import { CofferError } from '../domain/errors.js';
import { isUniqueViolation } from '../store/database.js';
import type { Wallet } from '../domain/wallet.js';
import type { TxStore } from '../domain/store-port.js';
import { notFound, requireAdmin } from './access.js';
import { changesOf, recordAudit } from './audit.js';
import { recordWalletEvent } from './events.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';

export interface CurrencyInput {
  readonly code: string;
  readonly numericCode?: string | null;
  readonly name: string;
  readonly symbol?: string | null;
  readonly fraction: number | string;
  readonly assetType: AssetType;
  readonly active?: boolean;
  readonly serialPrefix?: string | null;
}

/** Inserts one system account of a currency (a built-in one or an operator's own type) and its `wallet.created` event. */
async function insertSystemWallet(tx: TxStore, currency: Currency, type: string, name: string, now: Date): Promise<Wallet> {
  const wallet = await tx.insertWallet(
    {
      id: newId(now.getTime()),
      name,
      currencyId: currency.id,
      category: 'system',
      type,
      merchantId: null,
      customerId: null,
      externalId: null,
      alias: null,
      program: null,
      main: false,
      accounting: true,
      creditLimit: 0n,
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'active',
      metadata: {},
      createdAt: now,
      updatedAt: now,
    },
    currency.serialPrefix,
  );
  await recordWalletEvent(tx, 'wallet.created', wallet, now);
  return wallet;
}

/** Inserts a currency and its system accounts (issuing, settlement, fees, fx) in one database transaction. */
async function insertWithSystemWallets(tx: TxStore, currency: Currency, isoCode: string | null = null): Promise<void> {
  await tx.insertCurrency(currency, isoCode);
  for (const type of systemWalletTypes) await insertSystemWallet(tx, currency, type, `${currency.code} ${type}`, currency.createdAt);
}

/**
 * Adds an operator's own system account to a currency (admin): a `type` such as `reserve`, one per
 * currency (`system_account_exists`, 409, for a type it already has, the built-in four included).
 * It is listed with the currency's other system accounts (`GET /v1/wallets?currencyId=…&category=system`)
 * and moves money by adjustment (`systemAccount: type`) or by an admin transfer with a client wallet.
 */
export async function addSystemAccount(
  ctx: ServiceContext,
  actor: Actor,
  currencyId: string,
  input: { readonly type: string; readonly name?: string | null },
): Promise<Wallet> {
  requireAdmin(actor);
  const now = ctx.clock();
  try {
    return await ctx.store.transaction(async (tx) => {
      const currency = await tx.getCurrency(currencyId);
      if (currency === null) throw notFound('currency', currencyId);
      const wallet = await insertSystemWallet(tx, currency, input.type, input.name ?? `${currency.code} ${input.type}`, now);
      await recordAudit(
        tx,
        actor,
        { action: 'wallet.created', subjectType: 'wallet', subjectId: wallet.id, merchantId: null, changes: { type: { before: null, after: input.type } } },
        now,
      );
      return wallet;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'wallets_system')) {
      throw new CofferError('system_account_exists', `The currency already has a ${input.type} system account.`, [{ field: 'type', message: 'taken' }]);
    }
    throw error;
  }
}

const auditedCurrencyFields = ['code', 'numericCode', 'name', 'symbol', 'fraction', 'assetType', 'active', 'serialPrefix'] as const;

function currencyAudit(action: string, before: Currency | null, after: Currency) {
  return { action, subjectType: 'currency', subjectId: after.id, merchantId: null, changes: changesOf(before, after, auditedCurrencyFields) };
}

export async function createCurrency(ctx: ServiceContext, actor: Actor, input: CurrencyInput, isoCode: string | null = null): Promise<Currency> {
  requireAdmin(actor);
  checkCurrencyCode(input.code);
  const fraction = checkFraction(input.fraction);
  const now = ctx.clock();
  const currency: Currency = {
    id: newId(now.getTime()),
    code: input.code,
    numericCode: input.numericCode ?? null,
    name: input.name,
    symbol: input.symbol ?? null,
    fraction,
    assetType: input.assetType,
    active: input.active ?? true,
    serialPrefix: input.serialPrefix ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await insertWithSystemWallets(tx, currency, isoCode);
    await recordAudit(tx, actor, currencyAudit('currency.created', null, currency), now);
  });
  return currency;
}

function isoSymbol(code: string): string | null {
  try {
    const parts = new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).formatToParts(0);
    const symbol = parts.find((part) => part.type === 'currency')?.value;
    return symbol !== undefined && symbol !== code ? symbol : null;
  } catch {
    return null;
  }
}

export type IsoOverrides = Partial<Pick<CurrencyInput, 'name' | 'symbol' | 'active' | 'serialPrefix' | 'assetType'>>;

/** A currency from the ISO import, and whether this call created it (false: it was imported before). */
export interface IsoImport {
  readonly currency: Currency;
  readonly created: boolean;
}

/**
 * Adds a real currency from the shipped ISO 4217 table: fraction from its minor-unit digits.
 * Idempotent: a code already imported (in any letter case) answers the currency imported first;
 * the unique index currencies_iso_code makes two concurrent imports create one currency.
 */
export async function createIsoCurrency(ctx: ServiceContext, actor: Actor, code: string, overrides: IsoOverrides): Promise<IsoImport> {
  requireAdmin(actor);
  const upper = code.toUpperCase();
  const record = /^[A-Z]{3}$/.test(upper) ? currencyCodes.code(upper) : undefined;
  if (record === undefined) {
    throw new CofferError('iso_currency_unknown', `"${code.slice(0, 20)}" is not an ISO 4217 currency code in the shipped table.`);
  }
  const existing = await ctx.store.read.findIsoCurrency(record.code);
  if (existing !== null) return { currency: existing, created: false };
  const input: CurrencyInput = {
    code: record.code,
    numericCode: record.number,
    name: overrides.name ?? record.currency,
    symbol: overrides.symbol !== undefined ? overrides.symbol : isoSymbol(record.code),
    fraction: (10n ** BigInt(record.digits)).toString(),
    assetType: overrides.assetType ?? 'fiat',
    ...(overrides.active !== undefined ? { active: overrides.active } : {}),
    serialPrefix: overrides.serialPrefix !== undefined ? overrides.serialPrefix : `${record.number}_`,
  };
  try {
    return { currency: await createCurrency(ctx, actor, input, record.code), created: true };
  } catch (error) {
    // A concurrent import of the same code won: answer its currency.
    if (!isUniqueViolation(error, 'currencies_iso_code')) throw error;
    const winner = await ctx.store.read.findIsoCurrency(record.code);
    if (winner === null) throw error;
    return { currency: winner, created: false };
  }
}

export async function getCurrency(ctx: ServiceContext, id: string): Promise<Currency> {
  const currency = await ctx.store.read.getCurrency(id);
  if (currency === null) throw notFound('currency', id);
  return currency;
}

export interface CurrencyListQuery {
  readonly active?: boolean;
  readonly code?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export async function listCurrencies(ctx: ServiceContext, query: CurrencyListQuery): Promise<Page<Currency>> {
  const limit = pageSize(query.limit);
  const afterId = decodeCursor(query.cursor, uuidPattern);
  const rows = await ctx.store.read.listCurrencies({
    ...(query.active !== undefined ? { active: query.active } : {}),
    ...(query.code !== undefined ? { code: query.code } : {}),
    ...(afterId !== undefined ? { afterId } : {}),
    limit: limit + 1,
  });
  return toPage(rows, limit, (currency) => currency.id);
}

/** How many currencies match the filters, whatever the cursor. */
export async function countCurrencies(ctx: ServiceContext, query: CurrencyListQuery): Promise<number> {
  return ctx.store.read.countCurrencies({
    ...(query.active !== undefined ? { active: query.active } : {}),
    ...(query.code !== undefined ? { code: query.code } : {}),
  });
}

export async function patchCurrency(ctx: ServiceContext, actor: Actor, id: string, patch: CurrencyPatch): Promise<Currency> {
  requireAdmin(actor);
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock();
    await tx.lockRow('currencies', id);
    const before = await tx.getCurrency(id);
    const updated = await tx.updateCurrency(id, patch, now);
    if (before === null || updated === null) throw notFound('currency', id);
    await recordAudit(tx, actor, currencyAudit('currency.updated', before, updated), now);
    return updated;
  });
}
