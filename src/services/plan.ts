import type { Card } from '../domain/card.js';
import type { Quote } from '../domain/exchange.js';
import type { Leg } from '../domain/posting.js';
import type { Transaction, TransactionWithEntries } from '../domain/transaction.js';
import type { LockedTransaction, Reservation } from '../domain/reservation.js';
import type { LockedWallet } from '../domain/wallet.js';

export type { LockedTransaction } from '../domain/reservation.js';

/*
 * The plan of a money movement (services/set-posting.ts runs them): plain data saying which rows
 * it locks, and a pure function saying what it writes once they are locked. Every money-moving
 * kind is planned by its own service (transactions.ts, reservations.ts, exchanges.ts).
 */

/** The rows a movement's `build` may read, as the movements before it in the group left them. */
export interface LockedRows {
  transaction(id: string): LockedTransaction | undefined;
  quote(id: string): Quote | undefined;
  /** A card of a wallet this group locked, read under that lock (card changes take their wallet's lock). */
  card(id: string): Card | undefined;
  wallet(id: string): LockedWallet | undefined;
}

/** What one movement writes, decided in memory under the group's locks. */
export interface Change {
  /** The transaction as it will stand: a new one (inserted), or the pending one `resolves` (updated, its entries appended). */
  readonly transaction: Transaction;
  readonly legs: readonly Leg[];
  /** The resolution of a locked pending transaction (capture, void, expire, settle, fail), with what it posted. */
  readonly resolves?: { readonly capturedAmount: bigint | null };
  /** A new hold's expiry. */
  readonly expiresAt?: Date | null;
  /** False lets a release-only resolution (expiry) run on a wallet whose currency was deactivated. */
  readonly requireActiveCurrency?: boolean;
  /** A reversal: how much more of the (locked) original is reversed. */
  readonly reverses?: { readonly id: string; readonly amount: bigint };
  /** The (locked) quote an exchange uses up. */
  readonly quoteUsed?: string;
  /** A card authorization: the card its hold is linked to. */
  readonly cardAuthorization?: { readonly cardId: string; readonly merchantName: string | null };
  /** Whether it writes an audit record (`transaction.created`). */
  readonly audited: boolean;
}

/**
 * A movement planned for writing: the rows it locks (read beforehand, without locks: wallet
 * references, system accounts, the row it will change), and what it writes once they are locked.
 */
export interface MovementPlan {
  /** Wallets: the named ones, their parents and the system accounts. */
  readonly lockIds: readonly string[];
  /** Transaction rows it changes, locked before the wallets. */
  readonly transactionLocks?: readonly string[];
  /** Quotes it uses, locked first. */
  readonly quoteLocks?: readonly string[];
  /** Cards it checks, read once the wallets are locked. */
  readonly cardReads?: readonly string[];
  /** Pure: what it writes, or a CofferError thrown to refuse it. */
  readonly build: (rows: LockedRows) => Change;
}

/** A movement as written: the transaction with all its entries, and its reservation fields. */
export type Written = TransactionWithEntries & Pick<Reservation, 'expiresAt' | 'resolvedAt' | 'capturedAmount'>;
