import { electronicFormatIBAN } from 'ibantools';
import type { Actor } from '../domain/api-key.js';
import {
  type BankIdentifier,
  type InstrumentKind,
  ibanOf,
  identifierKindFor,
  ukAccountOf,
  usAccountOf,
  type Instrument,
  type InstrumentPatch,
} from '../domain/bank-identifiers.js';
import type { Currency } from '../domain/currency.js';
import { CofferError } from '../domain/errors.js';
import type { Wallet } from '../domain/wallet.js';
import { limits } from '../domain/limits.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound, requireAdmin } from './access.js';
import { changesOf, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { visibleWallet } from './wallet-visibility.js';

/** The numbers of a new identifier of `kind`: an account number from the sequence, under the configured bank codes. */
async function newIdentifier(tx: TxStore, ctx: ServiceContext, kind: InstrumentKind, currency: Currency): Promise<BankIdentifier> {
  return identifierOf(ctx, kind, currency, await tx.nextAccountSerial());
}

/**
 * Generates the bank identifier of a new client wallet, in the caller's database transaction
 * (so a wallet never exists without the identifier it should have): an IBAN for the currencies
 * configured for IBANs, a UK account for GBP, a US account for USD, nothing otherwise.
 */
export async function issueBankIdentifiers(tx: TxStore, ctx: ServiceContext, wallet: Wallet, currency: Currency, now: Date): Promise<Instrument[]> {
  const kind = wallet.category === 'client' ? identifierKindFor(currency, ctx.config.instruments.ibanPlans) : null;
  if (kind === null) return [];
  return [await tx.insertInstrument(newId(now.getTime()), wallet.id, await newIdentifier(tx, ctx, kind, currency), now)];
}

/** Which kinds a wallet of this currency may add: an IBAN where its code has an IBAN plan; UK and US accounts for fiat. */
function kindAvailable(kind: InstrumentKind, currency: Currency, ctx: ServiceContext): boolean {
  if (kind === 'iban') return ctx.config.instruments.ibanPlans.has(currency.code);
  return currency.assetType === 'fiat';
}

/**
 * Adds a bank identifier of `kind` to a client wallet (Paysafe's several virtual instruments per
 * account): under the wallet's row lock, so a status change or another addition cannot interleave.
 */
export async function addInstrument(ctx: ServiceContext, actor: Actor, walletId: string, kind: InstrumentKind): Promise<Instrument> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const wallet = (await tx.lockWallets([walletId])).get(walletId);
    if (wallet === undefined || !canSee(actor, wallet.merchantId)) throw notFound('wallet', walletId);
    if (wallet.category === 'system') throw new CofferError('system_wallet_not_allowed', 'System accounts have no bank identifiers.');
    if (wallet.status === 'blocked') throw new CofferError('wallet_blocked', `Wallet ${walletId} is blocked: no new bank identifiers.`);
    if (wallet.status === 'closed') throw new CofferError('wallet_closed', `Wallet ${walletId} is closed.`);
    if (!wallet.currencyActive) throw new CofferError('currency_inactive', `The currency of wallet ${walletId} is inactive.`);
    const currency = await tx.getCurrency(wallet.currencyId);
    if (currency === null || !kindAvailable(kind, currency, ctx)) {
      throw new CofferError('instrument_kind_unavailable', `No ${kind} can be issued for a wallet in ${currency?.code ?? 'this currency'}.`);
    }
    if ((await tx.instrumentCount(walletId)) >= limits.instrumentsPerWalletMax) {
      throw new CofferError('instrument_limit_reached', `Wallet ${walletId} already has ${limits.instrumentsPerWalletMax} bank identifiers.`);
    }
    const instrument = await tx.insertInstrument(newId(now.getTime()), walletId, await newIdentifier(tx, ctx, kind, currency), now);
    await recordInstrumentChange(tx, actor, 'instrument.created', null, instrument, wallet.merchantId, now);
    return instrument;
  });
}

const auditedInstrumentFields = ['kind', 'iban', 'sortCode', 'routingNumber', 'accountNumber', 'status', 'externallyVerified', 'active'] as const;

async function recordInstrumentChange(
  tx: TxStore,
  actor: Actor,
  type: 'instrument.created' | 'instrument.updated',
  before: Instrument | null,
  after: Instrument,
  merchantId: string | null,
  now: Date,
): Promise<void> {
  await recordEvent(tx, { type, merchantId, subjectId: after.id, data: instrumentEventData(after) }, now);
  await recordAudit(
    tx,
    actor,
    { action: type, subjectType: 'instrument', subjectId: after.id, merchantId, changes: changesOf(before, after, auditedInstrumentFields) },
    now,
  );
}

function instrumentEventData(instrument: Instrument) {
  return {
    id: instrument.id,
    walletId: instrument.walletId,
    kind: instrument.kind,
    iban: instrument.iban,
    sortCode: instrument.sortCode,
    routingNumber: instrument.routingNumber,
    accountNumber: instrument.accountNumber,
    status: instrument.status,
    externallyVerified: instrument.externallyVerified,
    active: instrument.active,
  };
}

/** One instrument, if its wallet is the actor's to see; otherwise not_found. */
export async function getInstrument(ctx: ServiceContext, actor: Actor, id: string): Promise<Instrument> {
  const instrument = await ctx.store.read.getInstrument(id);
  if (instrument === null) throw notFound('instrument', id);
  const wallet = await ctx.store.read.getWallet(instrument.walletId);
  if (wallet === null || !canSee(actor, wallet.merchantId)) throw notFound('instrument', id);
  return instrument;
}

/** Sets an instrument's verification `status` and `externallyVerified`: admin keys only (the platform verifies, not its merchants). */
export async function patchInstrument(ctx: ServiceContext, actor: Actor, id: string, patch: InstrumentPatch): Promise<Instrument> {
  requireAdmin(actor);
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const before = await tx.lockInstrument(id);
    if (before === null) throw notFound('instrument', id);
    if (patch.status === undefined && patch.externallyVerified === undefined) return before;
    const after = await tx.updateInstrument(id, patch, now);
    const [ref] = await tx.walletRefs([after.walletId]);
    await recordInstrumentChange(tx, actor, 'instrument.updated', before, after, ref?.merchantId ?? null, now);
    return after;
  });
}

/** The bank identifiers of many new client wallets at once (a bulk onboarding): one query for the numbers, one to insert. */
export async function issueBankIdentifiersOf(
  tx: TxStore,
  ctx: ServiceContext,
  wallets: readonly { readonly wallet: Wallet; readonly currency: Currency }[],
  now: Date,
): Promise<void> {
  const due = wallets.flatMap(({ wallet, currency }) => {
    const kind = wallet.category === 'client' ? identifierKindFor(currency, ctx.config.instruments.ibanPlans) : null;
    return kind === null ? [] : [{ wallet, currency, kind }];
  });
  const serials = await tx.nextAccountSerials(due.length);
  await tx.insertInstruments(
    due.map(({ wallet, currency, kind }, index) => ({
      id: newId(now.getTime()),
      walletId: wallet.id,
      identifier: identifierOf(ctx, kind, currency, serials[index] as bigint),
    })),
    now,
  );
}

function identifierOf(ctx: ServiceContext, kind: InstrumentKind, currency: Currency, serial: bigint): BankIdentifier {
  const { ibanPlans, ukSortCode, usRoutingNumber } = ctx.config.instruments;
  switch (kind) {
    case 'iban': {
      const iban = ibanOf(ibanPlans.get(currency.code) as NonNullable<ReturnType<typeof ibanPlans.get>>, serial);
      return { kind, iban, sortCode: null, routingNumber: null, accountNumber: null };
    }
    case 'uk_account':
      return ukAccountOf(ukSortCode, serial);
    case 'us_account':
      return usAccountOf(usRoutingNumber, serial);
  }
}

export async function listWalletInstruments(ctx: ServiceContext, actor: Actor, walletId: string): Promise<Instrument[]> {
  await visibleWallet(ctx, actor, walletId);
  return ctx.store.read.listInstruments(walletId);
}

/** Finds the wallet of an IBAN (spaces and case ignored); another merchant's is not revealed. */
export async function findByIban(ctx: ServiceContext, actor: Actor, iban: string): Promise<Instrument[]> {
  const normalized = electronicFormatIBAN(iban) ?? '';
  const found = await ctx.store.read.findInstrumentsByIban(normalized);
  const visible: Instrument[] = [];
  for (const instrument of found) {
    const wallet = await ctx.store.read.getWallet(instrument.walletId);
    if (wallet !== null && canSee(actor, wallet.merchantId)) visible.push(instrument);
  }
  return visible;
}

export interface InstrumentLookup {
  readonly iban?: string;
  readonly sortCode?: string;
  readonly routingNumber?: string;
  readonly accountNumber?: string;
}

/** Finds wallets' bank identifiers by IBAN, by UK sort code + account number, or by US routing + account number. */
export async function findInstruments(ctx: ServiceContext, actor: Actor, lookup: InstrumentLookup): Promise<Instrument[]> {
  const given = [lookup.iban !== undefined, lookup.sortCode !== undefined, lookup.routingNumber !== undefined].filter(Boolean).length;
  const needsAccount = lookup.sortCode !== undefined || lookup.routingNumber !== undefined;
  if (given !== 1 || needsAccount !== (lookup.accountNumber !== undefined)) {
    throw new CofferError('validation_failed', 'Give exactly one of: iban; sortCode and accountNumber; routingNumber and accountNumber.', [
      { field: 'query', message: 'iban, sortCode+accountNumber or routingNumber+accountNumber' },
    ]);
  }
  if (lookup.iban !== undefined) return findByIban(ctx, actor, lookup.iban);
  const found =
    lookup.sortCode !== undefined
      ? await ctx.store.read.findInstrumentsByAccount('uk_account', lookup.sortCode.replaceAll('-', ''), lookup.accountNumber ?? '')
      : await ctx.store.read.findInstrumentsByAccount('us_account', lookup.routingNumber ?? '', lookup.accountNumber ?? '');
  const visible: Instrument[] = [];
  for (const instrument of found) {
    const wallet = await ctx.store.read.getWallet(instrument.walletId);
    if (wallet !== null && canSee(actor, wallet.merchantId)) visible.push(instrument);
  }
  return visible;
}
