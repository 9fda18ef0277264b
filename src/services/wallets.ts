import { balanceOf } from '../domain/balance.js';
import type { Actor } from '../domain/api-key.js';
import { type Currency, systemWalletTypes } from '../domain/currency.js';
import { CofferError, isCofferError } from '../domain/errors.js';
import { checkMetadata } from '../domain/metadata.js';
import type { Wallet, NewWallet, WalletFilter, WalletPatch } from '../domain/wallet.js';
import type { TxStore } from '../domain/store-port.js';
import { isUniqueViolation } from '../store/database.js';
import { canSee, notFound, owningMerchant, requireScope } from './access.js';
import { auditRow, changesOf, recordAudit } from './audit.js';
import { recordWalletEvent, walletEvent } from './events.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { issueBankIdentifiers, issueBankIdentifiersOf } from './instruments.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';
import { visibleWallet } from './wallet-visibility.js';

/** Kept here too: most callers know it from this module. */
export { visibleWallet };

export interface WalletInput {
  readonly currencyId: string;
  readonly name?: string | null;
  readonly type?: string;
  readonly merchantId?: string | null;
  readonly customerId?: string | null;
  readonly externalId?: string | null;
  readonly alias?: string | null;
  readonly program?: string | null;
  readonly main?: boolean;
  readonly creditLimit?: bigint;
  readonly lowBalanceThreshold?: bigint | null;
  readonly parentWalletId?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  /** No bank identifier (IBAN, UK or US account) is generated for the wallet. */
  readonly skipIbanGeneration?: boolean;
}

/** Two string maps with the same pairs, in any order. */
function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * A retried onboarding is "the same" wallet only if every field it sends matches the wallet as it
 * stands (an omitted field matches its default): a changed body is a conflict, never a change
 * dropped in silence. `skipIbanGeneration` is not compared: it is not a field of the wallet.
 */
function sameOnboarding(existing: Wallet, input: WalletInput, merchantId: string | null): boolean {
  return (
    existing.currencyId === input.currencyId &&
    existing.merchantId === merchantId &&
    existing.customerId === (input.customerId ?? null) &&
    existing.type === (input.type ?? 'client') &&
    existing.parentWalletId === (input.parentWalletId ?? null) &&
    existing.name === (input.name ?? null) &&
    existing.alias === (input.alias ?? null) &&
    existing.program === (input.program ?? null) &&
    existing.main === (input.main ?? false) &&
    existing.creditLimit === (input.creditLimit ?? 0n) &&
    existing.lowBalanceThreshold === (input.lowBalanceThreshold ?? null) &&
    sameMetadata(existing.metadata, input.metadata ?? {})
  );
}

/** A virtual wallet's parent: an active, non-virtual client wallet of the same merchant, customer and currency. */
async function checkParent(ctx: ServiceContext, actor: Actor, input: WalletInput, merchantId: string | null): Promise<void> {
  if (input.parentWalletId === undefined || input.parentWalletId === null) return;
  const parent = await ctx.store.read.getWallet(input.parentWalletId);
  if (parent === null || !canSee(actor, parent.merchantId)) throw notFound('wallet', input.parentWalletId);
  const fits =
    parent.category === 'client' &&
    parent.parentWalletId === null &&
    parent.status === 'active' &&
    parent.currencyId === input.currencyId &&
    parent.merchantId === merchantId &&
    parent.customerId === (input.customerId ?? null);
  if (!fits) throw new CofferError('wallet_not_virtual_parent');
}

export interface CreatedWallet {
  readonly wallet: Wallet;
  /** False when an earlier wallet with the same externalId was returned instead. */
  readonly created: boolean;
}

export async function createWallet(ctx: ServiceContext, actor: Actor, input: WalletInput): Promise<CreatedWallet> {
  // A credit limit lets a wallet spend money it does not have: granting one creates credit.
  if (input.creditLimit !== undefined && input.creditLimit !== 0n) requireScope(actor, 'issue');
  const merchantId = owningMerchant(actor, input.merchantId);
  if (input.main === true && (input.customerId ?? null) === null) throw mainNeedsCustomer();
  const type = input.type ?? 'client';
  if ((systemWalletTypes as readonly string[]).includes(type)) {
    throw new CofferError('system_wallet_not_allowed', `Type "${type}" is reserved for system accounts, created with their currency.`);
  }
  const currency = await ctx.store.read.getCurrency(input.currencyId);
  if (currency === null) throw notFound('currency', input.currencyId);
  if (!currency.active) throw new CofferError('currency_inactive', `Currency ${currency.code} (${currency.id}) is inactive.`, undefined, { currency });
  const metadata = checkMetadata(input.metadata);

  if (input.externalId !== undefined && input.externalId !== null) {
    const existing = await ctx.store.read.findWalletByExternalId(merchantId, input.externalId);
    if (existing !== null) return replayOnboarding(existing, input, merchantId);
  }
  await checkParent(ctx, actor, input, merchantId);
  const now = ctx.clock();
  try {
    const wallet = await ctx.store.transaction((tx) => insertClientWallet(tx, ctx, actor, { ...input, type, merchantId, metadata }, currency, now));
    return { wallet, created: true };
  } catch (error) {
    if (isUniqueViolation(error, 'wallets_main')) throw mainConflict(input);
    if (isUniqueViolation(error, 'wallets_external_id') && input.externalId) {
      // Two onboardings raced: the other one won; answer as a retry would.
      const existing = await ctx.store.read.findWalletByExternalId(merchantId, input.externalId);
      if (existing !== null) return replayOnboarding(existing, input, merchantId);
    }
    throw error;
  }
}

/** One wallet of a bulk onboarding: created, found (same externalId, same fields), or refused. */
export type BulkWalletResult =
  | { readonly index: number; readonly status: 'created' | 'existing'; readonly wallet: Wallet }
  | { readonly index: number; readonly status: 'failed'; readonly error: CofferError };

/** Thrown inside the fast path to roll it back and go item by item. */
class RetryItemByItem extends Error {}

/**
 * Creates many wallets in one request, each as `createWallet` would (same checks, same answer for
 * an externalId already there), independently: a refused one leaves no trace and does not stop
 * the others. The externalIds already there are found in one query per merchant, and the new
 * wallets are written in one database transaction; only if one of them fails there (a race on an
 * externalId, a second main wallet) is that transaction rolled back and redone wallet by wallet,
 * each under its own savepoint.
 */
export async function createWallets(ctx: ServiceContext, actor: Actor, inputs: readonly WalletInput[]): Promise<BulkWalletResult[]> {
  const results: BulkWalletResult[] = new Array(inputs.length);
  const currencies = new Map<string, Promise<Currency | null>>();
  const currencyOf = (id: string) => {
    let found = currencies.get(id);
    if (found === undefined) {
      found = ctx.store.read.getCurrency(id);
      currencies.set(id, found);
    }
    return found;
  };
  interface Checked {
    readonly index: number;
    readonly input: CheckedWalletInput;
    readonly currency: Currency;
  }
  const checked: Checked[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      if (input.creditLimit !== undefined && input.creditLimit !== 0n) requireScope(actor, 'issue');
      const merchantId = owningMerchant(actor, input.merchantId);
      const type = input.type ?? 'client';
      if ((systemWalletTypes as readonly string[]).includes(type)) {
        throw new CofferError('system_wallet_not_allowed', `Type "${type}" is reserved for system accounts, created with their currency.`);
      }
      const currency = await currencyOf(input.currencyId);
      if (currency === null) throw notFound('currency', input.currencyId);
      if (!currency.active) throw new CofferError('currency_inactive', `Currency ${currency.code} (${currency.id}) is inactive.`, undefined, { currency });
      const metadata = checkMetadata(input.metadata);
      checked.push({ index, input: { ...input, type, merchantId, metadata }, currency });
    } catch (error) {
      if (!isCofferError(error)) throw error;
      results[index] = { index, status: 'failed', error };
    }
  }
  // The externalIds already there: one query per merchant.
  const byMerchant = new Map<string | null, Checked[]>();
  for (const item of checked) {
    if (item.input.externalId === undefined || item.input.externalId === null) continue;
    const group = byMerchant.get(item.input.merchantId) ?? [];
    group.push(item);
    byMerchant.set(item.input.merchantId, group);
  }
  const found = new Map<string, Wallet>();
  const keyOf = (merchantId: string | null, externalId: string) => `${merchantId ?? ''}\u0000${externalId}`;
  for (const [merchantId, group] of byMerchant) {
    const wallets = await ctx.store.read.findWalletsByExternalIds(merchantId, [...new Set(group.map((item) => item.input.externalId as string))]);
    for (const wallet of wallets) found.set(keyOf(merchantId, wallet.externalId as string), wallet);
  }
  const toInsert: Checked[] = [];
  const claimed = new Map<string, Checked>();
  for (const item of checked) {
    const { externalId, merchantId } = item.input;
    try {
      if (externalId !== undefined && externalId !== null) {
        const key = keyOf(merchantId, externalId);
        const existing = found.get(key);
        if (existing !== undefined) {
          results[item.index] = { index: item.index, status: 'existing', wallet: replayOnboarding(existing, item.input, merchantId).wallet };
          continue;
        }
        // The same externalId twice in one request: the later one is answered from the first once it exists.
        if (claimed.has(key)) continue;
        claimed.set(key, item);
      }
      await checkParent(ctx, actor, item.input, merchantId);
      toInsert.push(item);
    } catch (error) {
      if (!isCofferError(error)) throw error;
      results[item.index] = { index: item.index, status: 'failed', error };
    }
  }
  const now = ctx.clock();
  const insert = (tx: TxStore, item: Checked) => insertClientWallet(tx, ctx, actor, item.input, item.currency, now);
  const refusal = (error: unknown, item: Checked): CofferError | null => {
    if (isUniqueViolation(error, 'wallets_main')) return mainConflict(item.input);
    if (isUniqueViolation(error, 'wallets_external_id'))
      return new CofferError(
        'external_id_conflict',
        `Another request created a wallet with externalId "${item.input.externalId}" meanwhile; send this one again.`,
      );
    return isCofferError(error) ? error : null;
  };
  if (toInsert.length > 0) {
    const written = new Map<number, Wallet>();
    try {
      await ctx.store.transaction(async (tx) => {
        try {
          const wallets = await insertClientWallets(tx, ctx, actor, toInsert, now);
          for (const [position, item] of toInsert.entries()) written.set(item.index, wallets[position] as Wallet);
        } catch (error) {
          if (!isCofferError(error) && !isUniqueViolation(error)) throw error;
          throw new RetryItemByItem();
        }
      });
    } catch (error) {
      if (!(error instanceof RetryItemByItem)) throw error;
      written.clear();
      await ctx.store.transaction(async (tx) => {
        for (const item of toInsert) {
          try {
            written.set(item.index, await tx.savepoint(() => insert(tx, item)));
          } catch (failure) {
            const refused = refusal(failure, item);
            if (refused === null) throw failure;
            results[item.index] = { index: item.index, status: 'failed', error: refused };
          }
        }
      });
    }
    for (const [index, wallet] of written) results[index] = { index, status: 'created', wallet };
  }
  // Repeated externalIds: answered as a retry of the first would be.
  for (const item of checked) {
    if (results[item.index] !== undefined) continue;
    const first = claimed.get(keyOf(item.input.merchantId, item.input.externalId as string));
    const firstResult = first === undefined ? undefined : results[first.index];
    try {
      if (firstResult === undefined || firstResult.status === 'failed')
        throw new CofferError('external_id_conflict', `externalId "${item.input.externalId}" is given twice and its first wallet was not created.`);
      results[item.index] = { index: item.index, status: 'existing', wallet: replayOnboarding(firstResult.wallet, item.input, item.input.merchantId).wallet };
    } catch (error) {
      if (!isCofferError(error)) throw error;
      results[item.index] = { index: item.index, status: 'failed', error };
    }
  }
  return results;
}

/**
 * Inserts many client wallets checked by the caller, in the caller's database transaction, as
 * `insertClientWallet` inserts each (bank identifiers, events, audit records), in a handful of
 * statements instead of several per wallet.
 */
/** A wallet request after its checks: its type, merchant and metadata settled. */
type CheckedWalletInput = WalletInput & { readonly type: string; readonly merchantId: string | null; readonly metadata: Readonly<Record<string, string>> };

async function insertClientWallets(
  tx: TxStore,
  ctx: ServiceContext,
  actor: Actor,
  items: readonly {
    readonly input: CheckedWalletInput;
    readonly currency: Currency;
  }[],
  now: Date,
): Promise<Wallet[]> {
  const wallets = await tx.insertWallets(
    items.map(({ input, currency }) => ({ wallet: newClientWallet(input, currency, now), serialPrefix: currency.serialPrefix })),
  );
  await issueBankIdentifiersOf(
    tx,
    ctx,
    wallets.flatMap((wallet, position) => {
      const item = items[position];
      return item === undefined || item.input.skipIbanGeneration === true ? [] : [{ wallet, currency: item.currency }];
    }),
    now,
  );
  await tx.insertEvents(wallets.map((wallet) => ({ id: newId(now.getTime()), event: walletEvent('wallet.created', wallet), createdAt: now })));
  await tx.insertAuditRecords(wallets.map((wallet) => auditRow(actor, walletAudit('wallet.created', null, wallet), now)));
  return wallets;
}

/** The row of a new, active client wallet from a checked request (one place for the defaults). */
function newClientWallet(input: CheckedWalletInput, currency: Currency, now: Date): NewWallet {
  return {
    id: newId(now.getTime()),
    name: input.name ?? null,
    currencyId: currency.id,
    category: 'client',
    type: input.type,
    merchantId: input.merchantId,
    customerId: input.customerId ?? null,
    externalId: input.externalId ?? null,
    alias: input.alias ?? null,
    program: input.program ?? null,
    main: input.main ?? false,
    accounting: false,
    creditLimit: input.creditLimit ?? 0n,
    lowBalanceThreshold: input.lowBalanceThreshold ?? null,
    parentWalletId: input.parentWalletId ?? null,
    status: 'active',
    metadata: input.metadata,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Inserts a client wallet checked by the caller (currency active, type not a system one, parent
 * fitting) in the caller's database transaction, with its bank identifiers, event and audit
 * record: for views that create several wallets at once (a multicurrency account).
 */
export async function insertClientWallet(
  tx: TxStore,
  ctx: ServiceContext,
  actor: Actor,
  input: CheckedWalletInput,
  currency: Currency,
  now: Date,
): Promise<Wallet> {
  const inserted = await tx.insertWallet(newClientWallet(input, currency, now), currency.serialPrefix);
  if (input.skipIbanGeneration !== true) await issueBankIdentifiers(tx, ctx, inserted, currency, now);
  await recordWalletEvent(tx, 'wallet.created', inserted, now);
  await recordAudit(tx, actor, walletAudit('wallet.created', null, inserted), now);
  return inserted;
}

function replayOnboarding(existing: Wallet, input: WalletInput, merchantId: string | null): CreatedWallet {
  if (!sameOnboarding(existing, input, merchantId)) {
    throw new CofferError(
      'external_id_conflict',
      `Wallet ${existing.id} already has externalId "${input.externalId}" with other fields: a retry must send the same body (change the wallet with PATCH).`,
    );
  }
  return { wallet: existing, created: false };
}

function mainNeedsCustomer(): CofferError {
  return new CofferError('validation_failed', 'Only a wallet with a customerId can be a main wallet.', [{ field: 'main', message: 'needs customerId' }]);
}

function mainConflict(input: { customerId?: string | null }): CofferError {
  return new CofferError('main_wallet_conflict', `Customer ${input.customerId ?? ''} already has a main wallet in this currency.`);
}

export async function patchWallet(ctx: ServiceContext, actor: Actor, id: string, patch: WalletPatch): Promise<Wallet> {
  const wallet = await visibleWallet(ctx, actor, id);
  if (wallet.category === 'system' && actor.role !== 'admin') throw notFound('wallet', id);
  if (patch.creditLimit !== undefined) requireScope(actor, 'issue');
  if (patch.main === true && wallet.customerId === null) throw mainNeedsCustomer();
  const checked = patch.metadata !== undefined ? { ...patch, metadata: checkMetadata(patch.metadata) } : patch;
  try {
    return await ctx.store.transaction(async (tx) => {
      const now = ctx.clock();
      await tx.lockRow('wallets', id);
      const before = await tx.getWallet(id);
      if (before !== null && checked.creditLimit !== undefined) checkCreditLimit(before, checked.creditLimit);
      const updated = await tx.updateWallet(id, checked, now);
      if (before === null || updated === null) throw notFound('wallet', id);
      await recordAudit(tx, actor, walletAudit('wallet.updated', before, updated), now);
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'wallets_main')) throw mainConflict(wallet);
    throw error;
  }
}

/**
 * A credit limit is lowered no further than what the wallet already owes: its available balance
 * (posted − held) may not fall below −creditLimit, or `coffer verify` would report the wallet.
 * Runs with the wallet locked, so no concurrent debit slips between the check and the change.
 */
function checkCreditLimit(wallet: Wallet, creditLimit: bigint): void {
  if (creditLimit >= wallet.creditLimit) return;
  const available = balanceOf(wallet.counters, 0n).available;
  if (available + creditLimit < 0n) {
    throw new CofferError(
      'credit_limit_below_debt',
      `Wallet ${wallet.id} owes ${(-available).toString()}: its creditLimit cannot be lowered below that (asked ${creditLimit.toString()}).`,
    );
  }
}

const auditedWalletFields = [
  'name',
  'alias',
  'creditLimit',
  'lowBalanceThreshold',
  'main',
  'metadata',
  'status',
  'statusReason',
  'merchantId',
  'customerId',
  'currencyId',
  'type',
] as const;

/** The audit record of a wallet change: before and after of the fields that can change. */
export function walletAudit(action: string, before: Wallet | null, after: Wallet) {
  return { action, subjectType: 'wallet', subjectId: after.id, merchantId: after.merchantId, changes: changesOf(before, after, auditedWalletFields) };
}

/** The store's filters, with an opaque cursor instead of a key. */
export type WalletListQuery = Omit<WalletFilter, 'afterId' | 'limit'> & { readonly cursor?: string; readonly limit?: number };

/** How many wallets match the filters, whatever the cursor (a merchant key counts its own only). */
export async function countWallets(ctx: ServiceContext, actor: Actor, query: WalletListQuery): Promise<number> {
  const { cursor: _cursor, limit: _limit, ...filters } = query;
  const merchantId = actor.role === 'merchant' ? (actor.merchantId ?? undefined) : query.merchantId;
  return ctx.store.read.countWallets({ ...filters, ...(merchantId !== undefined ? { merchantId } : {}) });
}

export async function listWallets(ctx: ServiceContext, actor: Actor, query: WalletListQuery): Promise<Page<Wallet>> {
  const limit = pageSize(query.limit);
  const { cursor, limit: _limit, ...filters } = query;
  const afterId = decodeCursor(cursor, uuidPattern);
  // A merchant key lists its own merchant's wallets whatever the filter says.
  const merchantId = actor.role === 'merchant' ? (actor.merchantId ?? undefined) : query.merchantId;
  const rows = await ctx.store.read.listWallets({
    ...filters,
    ...(merchantId !== undefined ? { merchantId } : {}),
    ...(afterId !== undefined ? { afterId } : {}),
    limit: limit + 1,
  });
  return toPage(rows, limit, (wallet) => wallet.id);
}
