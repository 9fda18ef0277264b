import { electronicFormatIBAN } from 'ibantools';
import type { Actor } from '../domain/api-key.js';
import { type BankIdentifier, ibanOf, identifierKindFor, ukAccountOf, usAccountOf } from '../domain/bank-identifiers.js';
import type { Currency } from '../domain/currency.js';
import { CofferError } from '../domain/errors.js';
import type { Wallet } from '../domain/wallet.js';
import type { Instrument } from '../store/instrument-queries.js';
import type { StoreTx } from '../store/store.js';
import { canSee } from './access.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { visibleWallet } from './wallet-visibility.js';

/**
 * Generates the bank identifier of a new client wallet, in the caller's database transaction
 * (so a wallet never exists without the identifier it should have): an IBAN for the currencies
 * configured for IBANs, a UK account for GBP, a US account for USD, nothing otherwise.
 */
export async function issueBankIdentifiers(tx: StoreTx, ctx: ServiceContext, wallet: Wallet, currency: Currency, now: Date): Promise<Instrument[]> {
  const kind = wallet.category === 'client' ? identifierKindFor(currency, ctx.config.instruments.ibanPlans) : null;
  if (kind === null) return [];
  const serial = await tx.nextAccountSerial();
  return [await tx.insertInstrument(newId(now.getTime()), wallet.id, identifierOf(ctx, kind, currency, serial), now)];
}

/** The bank identifiers of many new client wallets at once (a bulk onboarding): one query for the numbers, one to insert. */
export async function issueBankIdentifiersOf(
  tx: StoreTx,
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

function identifierOf(ctx: ServiceContext, kind: NonNullable<ReturnType<typeof identifierKindFor>>, currency: Currency, serial: bigint): BankIdentifier {
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
