import { balanceOf } from './balance.js';
import { CofferError } from './errors.js';
import type { Wallet, WalletStatus } from './wallet.js';

/** What a client may ask for: `inactive` is accepted as an alias of `blocked`. */
export const requestedWalletStatuses = ['active', 'blocked', 'inactive', 'closed'] as const;
export type RequestedWalletStatus = (typeof requestedWalletStatuses)[number];

/** The documented reasons for a status change, recorded with it. */
export const walletStatusReasons = [
  'customer_request',
  'suspected_fraud',
  'compliance_review',
  'kyc_incomplete',
  'lost_or_stolen',
  'dormant',
  'court_order',
  'merchant_request',
  'review_completed',
  'other',
] as const;
export type WalletStatusReason = (typeof walletStatusReasons)[number];

export function normalizeStatus(requested: RequestedWalletStatus): WalletStatus {
  return requested === 'inactive' ? 'blocked' : requested;
}

/** What the rules need to know beyond the wallet's row, read under the wallet's lock. */
export interface StatusChangeFacts {
  /** Holds and pending credits still open that name the wallet. */
  readonly openReservations: number;
  /** Virtual wallets of this wallet that are not closed. */
  readonly openVirtualWallets: number;
}

/**
 * The lifecycle rules: `active` ⇄ `blocked` freely; `closed` is final and needs a zero balance
 * (posted, held and pending), no open holds or pending credits, and no open virtual wallets.
 * System accounts keep their status.
 */
export function checkStatusChange(wallet: Wallet, target: WalletStatus, facts: StatusChangeFacts): void {
  if (wallet.category === 'system') throw new CofferError('system_wallet_not_allowed', 'The status of a system account cannot change.');
  if (wallet.status === 'closed') throw new CofferError('wallet_closed', `Wallet ${wallet.id} is closed: it never reopens.`);
  if (target !== 'closed') return;
  if (facts.openReservations > 0) {
    throw new CofferError('wallet_has_open_holds', `Wallet ${wallet.id} has ${facts.openReservations} open holds or pending credits.`);
  }
  const balance = balanceOf(wallet.counters, wallet.creditLimit);
  if (balance.posted !== 0n || balance.held !== 0n || balance.pending !== 0n) {
    throw new CofferError(
      'wallet_not_empty',
      `Wallet ${wallet.id} has posted ${balance.posted}, held ${balance.held}, pending ${balance.pending}: it must be zero to close.`,
    );
  }
  if (facts.openVirtualWallets > 0) {
    throw new CofferError('wallet_has_virtual_wallets', `Wallet ${wallet.id} has ${facts.openVirtualWallets} virtual wallets that are not closed.`);
  }
}

export interface StatusChange {
  readonly status: WalletStatus;
  readonly reason: string | null;
  readonly description: string | null;
  readonly changedBy: string;
}

/** One status change of a wallet. */
export interface StatusHistoryEntry {
  readonly id: string;
  readonly walletId: string;
  readonly status: string;
  readonly previousStatus: string;
  readonly reason: string | null;
  readonly description: string | null;
  readonly changedBy: string | null;
  readonly changedAt: Date;
}
