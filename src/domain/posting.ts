import { assert } from './assert.js';
import { addCounters, balanceOf, type Counters, zeroCounters } from './balance.js';
import { CofferError } from './errors.js';
import { limits } from './limits.js';
import type { WalletState } from './wallet.js';

/**
 * How a leg touches the counters: `posted` moves settled money, `pending` reserves it (a hold
 * or a pending credit), `release` gives a reservation back (capture, void, expiry, settle, fail).
 */
export type LegPhase = 'posted' | 'pending' | 'release';

/** One movement of `amount` from one wallet to another of the same currency. */
export interface Leg {
  readonly debitWalletId: string;
  readonly creditWalletId: string;
  readonly amount: bigint;
  readonly phase: LegPhase;
}

export type Direction = 'debit' | 'credit';

/** An entry as written: attributed to `walletId`, moving the counters of `balanceWalletId`. */
export interface PlannedEntry {
  readonly walletId: string;
  readonly balanceWalletId: string;
  readonly currencyId: string;
  readonly direction: Direction;
  /** Positive, except for the release of a reservation, which is written as a negative pending amount. */
  readonly amount: bigint;
  readonly pending: boolean;
  /** The posted balance (credits − debits) of the balance wallet right after this entry. */
  readonly balanceAfter: bigint;
}

export interface Posting {
  readonly entries: readonly PlannedEntry[];
  /** New counters of every balance wallet the legs touched. */
  readonly counters: ReadonlyMap<string, Counters>;
}

function walletOf(states: ReadonlyMap<string, WalletState>, id: string): WalletState {
  const state = states.get(id);
  assert(state !== undefined, `wallet ${id} was not loaded before posting`);
  return state;
}

function balanceWalletOf(states: ReadonlyMap<string, WalletState>, wallet: WalletState): WalletState {
  return wallet.parentWalletId === null ? wallet : walletOf(states, wallet.parentWalletId);
}

/** Wallets that move money must be open: a virtual wallet and its parent alike. */
function checkOpen(states: ReadonlyMap<string, WalletState>, wallet: WalletState): void {
  for (const current of [wallet, balanceWalletOf(states, wallet)]) {
    if (current.status === 'blocked') throw new CofferError('wallet_blocked', `Wallet ${current.id} is blocked: it can neither send nor receive.`);
    if (current.status === 'closed') throw new CofferError('wallet_closed', `Wallet ${current.id} is closed.`);
  }
}

function delta(direction: Direction, phase: LegPhase, amount: bigint): Counters {
  const pendingAmount = phase === 'release' ? -amount : amount;
  if (phase === 'posted') {
    return direction === 'debit' ? { ...zeroCounters, debitsPosted: amount } : { ...zeroCounters, creditsPosted: amount };
  }
  return direction === 'debit' ? { ...zeroCounters, debitsPending: pendingAmount } : { ...zeroCounters, creditsPending: pendingAmount };
}

function checkLeg(states: ReadonlyMap<string, WalletState>, leg: Leg): void {
  assert(leg.amount > 0n, 'leg amounts are positive');
  const debit = walletOf(states, leg.debitWalletId);
  const credit = walletOf(states, leg.creditWalletId);
  if (leg.debitWalletId === leg.creditWalletId || balanceWalletOf(states, debit).id === balanceWalletOf(states, credit).id) {
    throw new CofferError('same_wallet', 'The source and the target wallet are the same (or share one balance).');
  }
  if (debit.currencyId !== credit.currencyId) {
    throw new CofferError('currency_mismatch', 'Both wallets of a movement must be in the same currency; use an exchange between currencies.');
  }
  if (leg.phase !== 'release') {
    checkOpen(states, debit);
    checkOpen(states, credit);
  }
}

/**
 * The posting rule: applies legs in order to the wallets' counters, and refuses the whole set
 * if any client wallet whose available balance went down ends below −creditLimit.
 * Pure: the caller loads and locks the wallets, and writes the result.
 */
export function post(states: ReadonlyMap<string, WalletState>, legs: readonly Leg[]): Posting {
  assert(legs.length > 0, 'a transaction has at least one leg');
  const counters = new Map<string, Counters>();
  const entries: PlannedEntry[] = [];
  const countersOf = (wallet: WalletState): Counters => counters.get(wallet.id) ?? wallet.counters;

  for (const leg of legs) {
    checkLeg(states, leg);
    for (const direction of ['debit', 'credit'] as const) {
      const wallet = walletOf(states, direction === 'debit' ? leg.debitWalletId : leg.creditWalletId);
      const balanceWallet = balanceWalletOf(states, wallet);
      const next = addCounters(countersOf(balanceWallet), delta(direction, leg.phase, leg.amount));
      counters.set(balanceWallet.id, next);
      entries.push({
        walletId: wallet.id,
        balanceWalletId: balanceWallet.id,
        currencyId: wallet.currencyId,
        direction,
        amount: leg.phase === 'release' ? -leg.amount : leg.amount,
        pending: leg.phase !== 'posted',
        balanceAfter: next.creditsPosted - next.debitsPosted,
      });
    }
  }

  for (const [id, next] of counters) {
    checkFunds(walletOf(states, id), next);
  }
  return { entries, counters };
}

function checkFunds(wallet: WalletState, next: Counters): void {
  for (const value of [next.debitsPosted, next.creditsPosted, next.debitsPending, next.creditsPending]) {
    assert(value >= 0n, `counters of ${wallet.id} never go below zero`);
    if (value > limits.counterMax) throw new CofferError('balance_overflow');
  }
  if (wallet.category === 'system') return;
  const before = balanceOf(wallet.counters, wallet.creditLimit).available;
  const after = balanceOf(next, wallet.creditLimit).available;
  if (after < before && after < -wallet.creditLimit) {
    throw new CofferError(
      'insufficient_funds',
      `Wallet ${wallet.id} has ${before} available (credit limit ${wallet.creditLimit}); this needs ${before - after}.`,
    );
  }
}

/** Sum of credits − debits per currency for posted and pending entries: both are zero for a balanced set. */
export function imbalance(entries: readonly PlannedEntry[]): Map<string, { posted: bigint; pending: bigint }> {
  const sums = new Map<string, { posted: bigint; pending: bigint }>();
  for (const entry of entries) {
    const sign = entry.direction === 'credit' ? 1n : -1n;
    const current = sums.get(entry.currencyId) ?? { posted: 0n, pending: 0n };
    sums.set(
      entry.currencyId,
      entry.pending ? { ...current, pending: current.pending + sign * entry.amount } : { ...current, posted: current.posted + sign * entry.amount },
    );
  }
  return sums;
}
