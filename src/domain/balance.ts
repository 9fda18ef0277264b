/**
 * TigerBeetle-style cumulative counters: a wallet's balance is derived from them, never stored.
 * Every wallet is shown credit-normal (credits − debits), so the posted balances of all
 * non-virtual wallets of a currency sum to zero and `issuing` is negative.
 */
export interface Counters {
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
}

export const zeroCounters: Counters = { debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };

export interface Balance {
  /** Settled balance: posted credits − posted debits. */
  readonly posted: bigint;
  /** Open holds on outgoing money (pending debits). */
  readonly held: bigint;
  /** Incoming money not yet settled (pending credits). */
  readonly pending: bigint;
  /** posted − held: what can be spent now. */
  readonly available: bigint;
  /** posted + pending. */
  readonly ledger: bigint;
  readonly creditLimit: bigint;
}

export function balanceOf(counters: Counters, creditLimit: bigint): Balance {
  const posted = counters.creditsPosted - counters.debitsPosted;
  const held = counters.debitsPending;
  const pending = counters.creditsPending;
  return { posted, held, pending, available: posted - held, ledger: posted + pending, creditLimit };
}

/** True when a posting takes `available` from at or above `threshold` to below it (a crossing, not a level). */
export function crossedBelow(before: Counters, after: Counters, threshold: bigint | null): boolean {
  if (threshold === null) return false;
  const availableBefore = before.creditsPosted - before.debitsPosted - before.debitsPending;
  const availableAfter = after.creditsPosted - after.debitsPosted - after.debitsPending;
  return availableBefore >= threshold && availableAfter < threshold;
}

export function addCounters(a: Counters, b: Counters): Counters {
  return {
    debitsPosted: a.debitsPosted + b.debitsPosted,
    creditsPosted: a.creditsPosted + b.creditsPosted,
    debitsPending: a.debitsPending + b.debitsPending,
    creditsPending: a.creditsPending + b.creditsPending,
  };
}
