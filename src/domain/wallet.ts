import type { Counters } from './balance.js';

export const walletCategories = ['client', 'system'] as const;
export type WalletCategory = (typeof walletCategories)[number];

export const walletStatuses = ['active', 'blocked', 'closed'] as const;
export type WalletStatus = (typeof walletStatuses)[number];

export interface Wallet {
  readonly id: string;
  readonly serial: string;
  readonly name: string | null;
  readonly currencyId: string;
  readonly category: WalletCategory;
  readonly type: string;
  readonly merchantId: string | null;
  readonly customerId: string | null;
  readonly externalId: string | null;
  readonly alias: string | null;
  readonly program: string | null;
  readonly main: boolean;
  readonly accounting: boolean;
  readonly creditLimit: bigint;
  /** When a posting takes `available` from at or above this to below it, an event says so; null: none. */
  readonly lowBalanceThreshold: bigint | null;
  readonly parentWalletId: string | null;
  readonly status: WalletStatus;
  readonly statusReason: string | null;
  readonly statusDescription: string | null;
  readonly statusChangedAt: Date | null;
  /** The API key that made the last status change. */
  readonly statusChangedBy: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly counters: Counters;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The part of a wallet the posting rules read: identity, status, limits and counters. */
export interface WalletState {
  readonly id: string;
  readonly currencyId: string;
  readonly category: WalletCategory;
  readonly status: WalletStatus;
  readonly creditLimit: bigint;
  readonly parentWalletId: string | null;
  readonly counters: Counters;
}

/** A wallet locked for a posting, with what the posting needs of its currency. */
export type LockedWallet = Wallet & { readonly currencyActive: boolean; readonly currencyCode: string };

/** What never changes about a wallet once created. */
export interface WalletRef {
  readonly id: string;
  readonly currencyId: string;
  readonly parentWalletId: string | null;
  readonly merchantId: string | null;
  readonly category: WalletCategory;
  readonly type: string;
}

export interface WalletFilter {
  readonly merchantId?: string;
  readonly customerId?: string;
  readonly currencyId?: string;
  readonly category?: WalletCategory;
  readonly type?: string;
  readonly status?: WalletStatus;
  readonly program?: string;
  readonly externalId?: string;
  readonly parentWalletId?: string;
  readonly afterId?: string;
  readonly limit: number;
}

export interface WalletPatch {
  readonly name?: string | null;
  readonly alias?: string | null;
  readonly creditLimit?: bigint;
  readonly lowBalanceThreshold?: bigint | null;
  readonly main?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

export type NewWallet = Omit<Wallet, 'serial' | 'counters' | 'statusReason' | 'statusDescription' | 'statusChangedAt' | 'statusChangedBy'>;
