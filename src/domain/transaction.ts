import type { BankAccount } from './counterparty.js';
import type { ExchangeDetails } from './exchange.js';
import type { Direction } from './posting.js';

export const transactionKinds = ['topup', 'withdrawal', 'transfer', 'adjustment', 'reversal', 'exchange', 'hold', 'pending_credit'] as const;
export type TransactionKind = (typeof transactionKinds)[number];

export const transactionStatuses = ['pending', 'posted', 'voided', 'expired', 'failed'] as const;
export type TransactionStatus = (typeof transactionStatuses)[number];

/** A fee taken from the paying wallet to the currency's `fees` account. */
export interface Fee {
  readonly amount: bigint;
  readonly description: string | null;
}

export interface Entry {
  readonly id: string;
  readonly transactionId: string;
  readonly kind: TransactionKind;
  readonly walletId: string;
  readonly balanceWalletId: string;
  readonly currencyId: string;
  readonly direction: Direction;
  readonly amount: bigint;
  readonly pending: boolean;
  readonly balanceAfter: bigint;
  readonly createdAt: Date;
}

export interface Transaction {
  readonly id: string;
  readonly kind: TransactionKind;
  readonly status: TransactionStatus;
  readonly merchantId: string | null;
  readonly currencyId: string;
  readonly amount: bigint;
  readonly fromWalletId: string | null;
  readonly toWalletId: string | null;
  readonly description: string | null;
  readonly reference: string | null;
  readonly reason: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly fees: readonly Fee[];
  readonly reversesId: string | null;
  readonly reversedAmount: bigint;
  readonly createdAt: Date;
  readonly postedAt: Date | null;
  /** Set on exchanges only: the rate applied, its quote and what the target received. */
  readonly exchange?: ExchangeDetails | null;
  /** The bank account outside Coffer: a payout's destination, a pending credit's source; null otherwise. */
  readonly counterparty?: BankAccount | null;
}

export interface TransactionWithEntries extends Transaction {
  readonly entries: readonly Entry[];
}

export interface TransactionFilter {
  readonly merchantId?: string;
  readonly walletId?: string;
  readonly kind?: TransactionKind;
  readonly status?: TransactionStatus;
  readonly beforeSeq?: bigint;
  readonly limit: number;
}
