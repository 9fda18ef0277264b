import type { ApiKey } from '../domain/api-key.js';
import { balanceOf, type Balance } from '../domain/balance.js';
import type { Currency } from '../domain/currency.js';
import type { StatementEntry } from '../domain/statement.js';
import type { Entry, Transaction, TransactionWithEntries } from '../domain/transaction.js';
import type { Wallet } from '../domain/wallet.js';
import type { BalanceReading } from '../services/ledger-reads.js';
import { presentExchangeDetails } from './present-exchange.js';

/** Domain values to the JSON of the contract: bigints become strings of digits, dates ISO strings. */
export function presentCurrency(currency: Currency) {
  return { ...currency, fraction: Number(currency.fraction), createdAt: currency.createdAt.toISOString(), updatedAt: currency.updatedAt.toISOString() };
}

export function presentBalance(balance: Balance) {
  return {
    posted: balance.posted.toString(),
    held: balance.held.toString(),
    pending: balance.pending.toString(),
    available: balance.available.toString(),
    ledger: balance.ledger.toString(),
    creditLimit: balance.creditLimit.toString(),
  };
}

/** A virtual wallet has no balance of its own: pass its parent, whose balance (and credit limit) it shows. */
export function presentWallet(wallet: Wallet, parent?: Pick<Wallet, 'counters' | 'creditLimit'>) {
  const { counters, ...rest } = wallet;
  return {
    ...rest,
    creditLimit: wallet.creditLimit.toString(),
    lowBalanceThreshold: wallet.lowBalanceThreshold?.toString() ?? null,
    statusChangedAt: wallet.statusChangedAt?.toISOString() ?? null,
    balance: presentBalance(parent !== undefined ? balanceOf(parent.counters, parent.creditLimit) : balanceOf(counters, wallet.creditLimit)),
    createdAt: wallet.createdAt.toISOString(),
    updatedAt: wallet.updatedAt.toISOString(),
  };
}

export function presentEntry(entry: Entry) {
  return {
    id: entry.id,
    transactionId: entry.transactionId,
    kind: entry.kind,
    walletId: entry.walletId,
    currencyId: entry.currencyId,
    direction: entry.direction,
    amount: entry.amount.toString(),
    pending: entry.pending,
    balanceAfter: entry.balanceAfter.toString(),
    createdAt: entry.createdAt.toISOString(),
  };
}

/** A statement line (GET /v1/wallets/{id}/entries). */
export function presentStatementEntry(entry: StatementEntry) {
  return {
    ...presentEntry(entry),
    description: entry.description,
    reference: entry.reference,
    counterpartyWalletId: entry.counterpartyWalletId,
    counterpartyWalletSerial: entry.counterpartyWalletSerial,
  };
}

export function presentTransaction(transaction: Transaction) {
  return {
    id: transaction.id,
    kind: transaction.kind,
    status: transaction.status,
    merchantId: transaction.merchantId,
    currencyId: transaction.currencyId,
    amount: transaction.amount.toString(),
    fromWalletId: transaction.fromWalletId,
    toWalletId: transaction.toWalletId,
    description: transaction.description,
    reference: transaction.reference,
    reason: transaction.reason,
    metadata: transaction.metadata,
    fees: transaction.fees.map((fee) => ({ amount: fee.amount.toString(), description: fee.description })),
    reversesId: transaction.reversesId,
    reversedAmount: transaction.reversedAmount.toString(),
    createdAt: transaction.createdAt.toISOString(),
    postedAt: transaction.postedAt?.toISOString() ?? null,
    exchange: presentExchangeDetails(transaction.exchange),
    counterparty: transaction.counterparty ?? null,
  };
}

export function presentTransactionWithEntries(transaction: TransactionWithEntries) {
  return { ...presentTransaction(transaction), entries: transaction.entries.map(presentEntry) };
}

export function presentBalanceReading(reading: BalanceReading) {
  return { walletId: reading.walletId, currencyId: reading.currencyId, at: reading.at.toISOString(), balance: presentBalance(reading.balance) };
}

export function presentApiKey(apiKey: ApiKey) {
  return { ...apiKey, scopes: [...apiKey.scopes], createdAt: apiKey.createdAt.toISOString(), revokedAt: apiKey.revokedAt?.toISOString() ?? null };
}
