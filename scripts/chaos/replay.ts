/**
 * Replays the stored ledger through the pure domain model (`src/domain/posting.ts`) and compares.
 *
 * Each transaction is one posting, except a hold, which is two: its creation, and later its
 * resolution (capture, void or expiry) appended to the same transaction. The postings are
 * replayed in the order of their first entry's id. That order is a valid serial order: a posting
 * writes its entries only after it has locked every wallet it touches, so of two postings that
 * share a wallet, all the entries of the first have smaller ids than any of the second's.
 * For every posting, the legs are rebuilt from the transaction row alone (kind, wallets, amount,
 * fees, captured amount, exchange rate) with the domain's own planners, `post()` applies them to
 * the replayed counters (refusing, like the server, any client wallet going below −creditLimit),
 * and the entries it plans, with their `balanceAfter`, must be exactly the stored ones. After a
 * posting that differs, the replay goes on from the stored entries, so each fault is reported
 * once. At the end every wallet's replayed counters must equal its stored counters.
 */
import { addCounters, type Counters, zeroCounters } from '../../src/domain/balance.js';
import { CofferError } from '../../src/domain/errors.js';
import { planExchange } from '../../src/domain/exchange.js';
import { type Leg, post, type PlannedEntry } from '../../src/domain/posting.js';
import { parseRate } from '../../src/domain/rate.js';
import { resolutionLegs, type ResolutionKind } from '../../src/domain/reservation.js';
import type { WalletState } from '../../src/domain/wallet.js';
import type { EntryRow, Ledger, TransactionRow } from './ledger.js';
import type { Violations } from './violations.js';

interface PostingEvent {
  readonly transaction: TransactionRow;
  readonly phase: 'create' | 'resolve';
  readonly entries: readonly EntryRow[];
}

const reservationKinds = new Set(['hold', 'pending_credit']);
const resolutionOf: Readonly<Record<string, ResolutionKind>> = { posted: 'capture', voided: 'void', expired: 'expire' };

/** The postings of the ledger, in the order of their first entry. */
function eventsOf(ledger: Ledger, violations: Violations): PostingEvent[] {
  const byTransaction = new Map<string, EntryRow[]>();
  for (const entry of ledger.entries) {
    const list = byTransaction.get(entry.transactionId);
    if (list === undefined) byTransaction.set(entry.transactionId, [entry]);
    else list.push(entry);
  }
  const events: PostingEvent[] = [];
  for (const transaction of ledger.transactions) {
    const entries = byTransaction.get(transaction.id) ?? [];
    if (entries.length === 0) violations.add('replay', `transaction ${transaction.id} (${transaction.kind}) has no entries`);
    if (!reservationKinds.has(transaction.kind)) {
      if (entries.length > 0) events.push({ transaction, phase: 'create', entries });
      continue;
    }
    const creation = entries.filter((entry) => entry.pending && entry.amount > 0n);
    const resolution = entries.filter((entry) => !(entry.pending && entry.amount > 0n));
    if (creation.length > 0) events.push({ transaction, phase: 'create', entries: creation });
    if (resolution.length > 0) events.push({ transaction, phase: 'resolve', entries: resolution });
    if (resolution.length === 0 && transaction.status !== 'pending')
      violations.add('replay', `hold ${transaction.id} is ${transaction.status} but has no resolution entries`);
  }
  const first = (event: PostingEvent) => (event.entries[0] as EntryRow).id;
  return events.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
}

type SystemAccount = (currencyId: string, type: string) => string;

function feeLegs(payer: string, feesWalletId: string, fees: readonly bigint[]): Leg[] {
  return fees.map((amount) => ({ debitWalletId: payer, creditWalletId: feesWalletId, amount, phase: 'posted' as const }));
}

/** The legs of one posting, from the transaction row alone, with the domain's planners. */
export function legsOf(event: PostingEvent, system: SystemAccount, fractions: ReadonlyMap<string, bigint>): Leg[] {
  const { transaction: t, phase } = event;
  if (t.fromWalletId === null || t.toWalletId === null) throw new Error(`transaction ${t.id} does not name both wallets`);
  switch (t.kind) {
    case 'topup':
      if (t.fromWalletId !== system(t.currencyId, 'issuing')) throw new Error(`top-up ${t.id} is not paid by the issuing account`);
      return [
        { debitWalletId: t.fromWalletId, creditWalletId: t.toWalletId, amount: t.amount, phase: 'posted' },
        ...feeLegs(t.toWalletId, system(t.currencyId, 'fees'), t.fees),
      ];
    case 'transfer':
      return [
        { debitWalletId: t.fromWalletId, creditWalletId: t.toWalletId, amount: t.amount, phase: 'posted' },
        ...feeLegs(t.fromWalletId, system(t.currencyId, 'fees'), t.fees),
      ];
    case 'hold': {
      const reservation = { debitWalletId: t.fromWalletId, creditWalletId: t.toWalletId, amount: t.amount };
      if (phase === 'create') return [{ ...reservation, phase: 'pending' }];
      const kind = resolutionOf[t.status];
      if (kind === undefined) throw new Error(`hold ${t.id} has resolution entries but status ${t.status}`);
      if (kind !== 'capture' && t.capturedAmount !== null) throw new Error(`hold ${t.id} is ${t.status} with a captured amount`);
      return resolutionLegs(reservation, kind, t.capturedAmount);
    }
    case 'exchange': {
      if (t.exchangeRate === null || t.targetCurrencyId === null || t.targetAmount === null) throw new Error(`exchange ${t.id} lacks its rate or target`);
      const plan = planExchange(
        {
          sourceWalletId: t.fromWalletId,
          sourceFxWalletId: system(t.currencyId, 'fx'),
          sourceFeesWalletId: system(t.currencyId, 'fees'),
          targetFxWalletId: system(t.targetCurrencyId, 'fx'),
          targetWalletId: t.toWalletId,
        },
        {
          amount: t.amount,
          rate: parseRate(t.exchangeRate),
          sourceFraction: fractions.get(t.currencyId) ?? 0n,
          targetFraction: fractions.get(t.targetCurrencyId) ?? 0n,
          fees: t.fees,
        },
      );
      if (plan.targetAmount !== t.targetAmount)
        throw new Error(`exchange ${t.id} paid ${t.targetAmount}, the rate ${t.exchangeRate} gives ${plan.targetAmount}`);
      return [...plan.legs];
    }
    default:
      throw new Error(`transaction ${t.id} is of kind ${t.kind}, which the chaos clients never send`);
  }
}

const entryKey = (entry: Omit<PlannedEntry, 'currencyId'> & { readonly currencyId: string }): string =>
  `${entry.walletId}|${entry.balanceWalletId}|${entry.currencyId}|${entry.direction}|${entry.amount}|${entry.pending}|${entry.balanceAfter}`;

/** What a stored entry does to its balance wallet's counters (a release is a negative pending amount). */
function entryDelta(entry: EntryRow): Counters {
  if (!entry.pending) return entry.direction === 'debit' ? { ...zeroCounters, debitsPosted: entry.amount } : { ...zeroCounters, creditsPosted: entry.amount };
  return entry.direction === 'debit' ? { ...zeroCounters, debitsPending: entry.amount } : { ...zeroCounters, creditsPending: entry.amount };
}

export interface ReplayCounts {
  readonly postings: number;
  readonly walletsCompared: number;
}

export function replayLedger(ledger: Ledger, violations: Violations): ReplayCounts {
  const systemIds = new Map(
    ledger.wallets.filter((wallet) => wallet.category === 'system').map((wallet) => [`${wallet.currencyId}:${wallet.type}`, wallet.id]),
  );
  const system: SystemAccount = (currencyId, type) => {
    const id = systemIds.get(`${currencyId}:${type}`);
    if (id === undefined) throw new Error(`no ${type} account in currency ${currencyId}`);
    return id;
  };
  const states = new Map<string, WalletState>(ledger.wallets.map((wallet) => [wallet.id, { ...wallet, counters: zeroCounters }]));
  const events = eventsOf(ledger, violations);
  for (const event of events) {
    const label = `${event.transaction.kind} ${event.transaction.id} (${event.phase})`;
    let planned: { entries: readonly PlannedEntry[]; counters: ReadonlyMap<string, Counters> } | null = null;
    try {
      planned = post(states, legsOf(event, system, ledger.fractions));
    } catch (error) {
      const reason = error instanceof CofferError ? `the domain refuses it: ${error.code}` : error instanceof Error ? error.message : String(error);
      violations.add('replay', `${label}: ${reason}`);
    }
    const expected = planned?.entries.map(entryKey).sort() ?? [];
    const stored = event.entries.map(entryKey).sort();
    if (planned !== null && expected.join('\n') === stored.join('\n')) {
      for (const [id, counters] of planned.counters) states.set(id, { ...(states.get(id) as WalletState), counters });
      continue;
    }
    if (planned !== null) {
      const only = (list: readonly string[], other: readonly string[]) => list.filter((key) => !other.includes(key)).join('; ');
      violations.add(
        'replay',
        `${label}: stored entries differ from the domain's: stored only [${only(stored, expected)}], replayed only [${only(expected, stored)}]`,
      );
    }
    // Carry on from what was stored, so that one bad posting is reported once, not at every later one.
    for (const entry of event.entries) {
      const state = states.get(entry.balanceWalletId);
      if (state !== undefined) states.set(state.id, { ...state, counters: addCounters(state.counters, entryDelta(entry)) });
    }
  }
  for (const wallet of ledger.wallets) {
    const replayed = states.get(wallet.id)?.counters ?? zeroCounters;
    const fields = ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'] as const;
    const differing = fields.filter((field) => replayed[field] !== wallet.counters[field]);
    if (differing.length > 0) {
      violations.add(
        'replay',
        `wallet ${wallet.id}: stored ${differing.map((field) => `${field} ${wallet.counters[field]}`).join(', ')}; the replay gives ${differing.map((field) => `${replayed[field]}`).join(', ')}`,
      );
    }
  }
  return { postings: events.length, walletsCompared: ledger.wallets.length };
}
