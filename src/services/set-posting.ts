import type { Actor } from '../domain/api-key.js';
import { assert } from '../domain/assert.js';
import { crossedBelow, type Counters } from '../domain/balance.js';
import type { Card } from '../domain/card.js';
import { CofferError, isCofferError } from '../domain/errors.js';
import type { Quote } from '../domain/exchange.js';
import { claimLost, type Outcome } from '../domain/outcome.js';
import { imbalance, type PlannedEntry, type Posting, post } from '../domain/posting.js';
import type { Entry, Transaction } from '../domain/transaction.js';
import type { WalletState } from '../domain/wallet.js';
import type { EventRow } from '../domain/event.js';
import type { Reservation } from '../domain/reservation.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import type { LockedWallet } from '../domain/wallet.js';
import { toWalletState } from '../store/wallet-queries.js';
import { visibleEntries } from './access.js';
import { auditRow } from './audit.js';
import { type BatchItemResult, batchItemFailed } from './batches.js';
import { transactionEvent, transactionEventData, walletEvent } from './events.js';
import { newId } from './ids.js';
import { chainLinks, journalBody } from './journal.js';
import { movementAudit } from './transactions.js';
import { warmWalletRefs } from './wallet-refs.js';
import type { Change, LockedRows, LockedTransaction, MovementPlan, Written } from './plan.js';

export type { Change, LockedRows, LockedTransaction, MovementPlan, Written } from './plan.js';

/** What one movement of a unit came to: the transaction as written, or why it was refused. */
export type MovementResult = { readonly ok: true; readonly transaction: Written } | { readonly ok: false; readonly error: CofferError };

/**
 * A request on the posting pipeline: one movement of any kind, or a batch of them, with what it
 * answers and where its answer is recorded.
 */
export interface PostingUnit {
  readonly actor: Actor;
  readonly now: Date;
  /** The wallets the request names: their references are loaded for the whole group at once. */
  readonly named: readonly string[];
  /** Plans each movement, reading only; a CofferError refuses that movement. */
  readonly plan: (tx: StoreTx) => Promise<readonly (MovementPlan | CofferError)[]>;
  /** All or nothing: the first refused movement refuses the unit, with the error `fail` makes of it. */
  readonly atomic: boolean;
  readonly fail: (index: number, error: CofferError) => unknown;
  readonly respond: (results: readonly MovementResult[]) => Outcome;
  /** The Idempotency-Key the answer is recorded under (claimed beforehand, at `claimedAt`), or null. */
  readonly idempotency: { readonly scope: string; readonly key: string; readonly claimedAt: Date } | null;
  /** The answer a refusal records under the key (a business rule's 422), or null: the unit then fails and gives its key back. */
  readonly refused?: (error: CofferError) => Outcome | null;
}

export type UnitOutcome = { readonly ok: true; readonly value: Outcome } | { readonly ok: false; readonly error: unknown };

/** A movement applied in memory, waiting to be written with the rest of the group. */
interface Applied {
  readonly change: Change;
  readonly transaction: Transaction;
  /** The entries the transaction had before (a resolution appends to them). */
  readonly before: readonly Entry[];
  readonly entries: readonly PlannedEntry[];
  readonly reservation: Pick<Reservation, 'expiresAt' | 'resolvedAt' | 'capturedAmount'>;
  readonly thresholdEvents: readonly EventRow[];
  /** A reversal's original as this reversal left it (its `transaction.reversed` event shows that state). */
  readonly reversedOriginal?: LockedTransaction;
  readonly actor: Actor;
  readonly now: Date;
}

/**
 * The one write pipeline: every money movement, many units in one database transaction, each with its own result.
 *
 * 1. Every unit plans its movements (reads only; a refusal here writes nothing).
 * 2. Every row involved is locked once, in one global order, one statement per kind: quotes,
 *    transaction rows, then wallets, each in id order. Cards are read then.
 * 3. Each movement's rule runs in memory, in arrival order, on the rows as the movements before
 *    it left them: exactly what one database transaction per request would have seen. A refused
 *    movement (insufficient funds, a blocked wallet, a resolved hold…) changes nothing.
 * 4. The stamp locks the chain head last; everything is then written in one statement.
 *
 * Units are refused by value (their outcome), never by throwing: a throw is a failure of the
 * whole database transaction (the committer reports it). Deadlock-free by construction: every
 * group takes its locks in the same order, and takes none while another of its statements waits.
 */
export async function postUnits(tx: StoreTx, units: readonly PostingUnit[]): Promise<UnitOutcome[]> {
  await warmWalletRefs(
    tx,
    units.flatMap((unit) => unit.named),
  );
  const plans: (readonly (MovementPlan | CofferError)[] | CofferError)[] = [];
  for (const unit of units) plans.push(await unit.plan(tx).catch(refusal));
  const wanted = { wallets: new Set<string>(), transactions: new Set<string>(), quotes: new Set<string>(), cards: new Set<string>() };
  for (const planned of plans) {
    if (planned instanceof CofferError) continue;
    for (const plan of planned) {
      if (plan instanceof CofferError) continue;
      for (const id of plan.lockIds) wanted.wallets.add(id);
      for (const id of plan.transactionLocks ?? []) wanted.transactions.add(id);
      for (const id of plan.quoteLocks ?? []) wanted.quotes.add(id);
      for (const id of plan.cardReads ?? []) wanted.cards.add(id);
    }
  }
  const quotes = wanted.quotes.size > 0 ? await tx.lockQuotes([...wanted.quotes]) : new Map<string, Quote>();
  const transactions = wanted.transactions.size > 0 ? await tx.lockTransactionsWithEntries([...wanted.transactions]) : new Map<string, LockedTransaction>();
  const locked = wanted.wallets.size > 0 ? await tx.lockWallets([...wanted.wallets]) : new Map<string, LockedWallet>();
  const cards = wanted.cards.size > 0 ? await tx.getCards([...wanted.cards]) : new Map<string, Card>();
  const ledger = new Ledger(locked, transactions, quotes, cards);

  const applied: Applied[] = [];
  const pending: { readonly unit: PostingUnit; readonly from: number; readonly results: (MovementResult | Applied)[] }[] = [];
  const outcomes: (UnitOutcome | null)[] = [];
  units.forEach((unit, index) => {
    const planned = plans[index] as readonly (MovementPlan | CofferError)[] | CofferError;
    if (planned instanceof CofferError) {
      outcomes.push({ ok: false, error: unit.atomic ? unit.fail(0, planned) : planned });
      return;
    }
    const scratch = ledger.scratch();
    const results: (MovementResult | Applied)[] = [];
    for (const [position, plan] of planned.entries()) {
      const result = plan instanceof CofferError ? plan : scratch.apply(plan, unit);
      if (result instanceof CofferError && unit.atomic) {
        outcomes.push({ ok: false, error: unit.fail(position, result) });
        return;
      }
      results.push(result instanceof CofferError ? { ok: false, error: result } : result);
    }
    scratch.keep();
    pending.push({ unit, from: applied.length, results });
    for (const result of results) if (!('ok' in result)) applied.push(result);
    outcomes.push(null);
  });

  // Stamped in commit order (journal-queries.ts `stampForPosting`): a balance read with ?at= never changes afterwards.
  // The stamp locks the chain head and draws the new entries' ids, so everything below is known before the one write.
  const entryCount = applied.reduce((count, movement) => count + movement.entries.length, 0);
  const stamped = applied.length > 0 ? await tx.stampForPosting(new Date(Math.max(...applied.map((movement) => movement.now.getTime()))), entryCount) : null;
  if (stamped !== null) {
    for (const [index, movement] of applied.entries()) applied[index] = restamped(movement, stamped.stamp);
  }
  const written = withEntries(applied, stamped?.entryIds ?? []);
  const events: EventRow[] = [];
  for (const movement of applied) {
    events.push(...movement.thresholdEvents, { id: newId(movement.now.getTime()), event: transactionEvent(movement.transaction), createdAt: movement.now });
    const original = movement.reversedOriginal;
    if (original !== undefined) {
      events.push({
        id: newId(movement.now.getTime()),
        event: {
          type: 'transaction.reversed',
          merchantId: original.merchantId,
          subjectId: original.id,
          data: { ...transactionEventData(original), reversalId: movement.transaction.id, reversalAmount: movement.transaction.amount.toString() },
        },
        createdAt: movement.now,
      });
    }
  }
  const audits = applied
    .filter((movement) => movement.change.audited)
    .map((movement) => auditRow(movement.actor, movementAudit(movement.transaction), movement.now));
  const completions = [];
  const answers = new Map<PostingUnit, UnitOutcome>();
  // A refusal that answers (a business rule's 422) is recorded under its key with the group's writes.
  units.forEach((unit, index) => {
    const outcome = outcomes[index];
    if (outcome === null || outcome === undefined || outcome.ok || unit.idempotency === null || !isCofferError(outcome.error)) return;
    const answer = unit.refused?.(outcome.error) ?? null;
    if (answer === null) return;
    outcomes[index] = { ok: true, value: answer };
    completions.push({ ...unit.idempotency, statusCode: answer.statusCode, response: answer.body });
  });
  for (const { unit, from, results } of pending) {
    let next = from;
    const answer = unit.respond(
      results.map((result) =>
        'ok' in result ? result : { ok: true, transaction: visibleEntries(unit.actor, written[next++] as Written, (id) => locked.get(id)?.merchantId) },
      ),
    );
    answers.set(unit, { ok: true, value: answer });
    if (unit.idempotency !== null) completions.push({ ...unit.idempotency, statusCode: answer.statusCode, response: answer.body });
  }
  // The journal last: the group's links, chained from the head the stamp locked.
  const links =
    stamped === null
      ? []
      : chainLinks(
          stamped.head,
          written.map((transaction) => ({ transactionId: transaction.id, body: journalBody(transaction) })),
        );
  const created = applied.filter((movement) => movement.change.resolves === undefined);
  const lost = await tx.writePostings({
    transactions: created.map((movement) => ({ ...movement.transaction, expiresAt: movement.reservation.expiresAt })),
    updates: transactionUpdates(applied),
    entries: written.flatMap((transaction, index) => transaction.entries.slice((applied[index] as Applied).before.length)),
    entryIds: stamped?.entryIds ?? [],
    counters: ledger.changed(),
    quotesUsed: applied.flatMap((movement) =>
      movement.change.quoteUsed !== undefined ? [{ id: movement.change.quoteUsed, transactionId: movement.transaction.id, at: movement.now }] : [],
    ),
    cardAuthorizations: applied.flatMap((movement) => {
      const authorization = movement.change.cardAuthorization;
      return authorization !== undefined ? [{ id: movement.transaction.id, ...authorization, createdAt: movement.now }] : [];
    }),
    events,
    audits,
    completions,
    links,
    now: stamped?.stamp ?? (units[0] as PostingUnit).now,
  });
  // A key taken over by a retry while this group ran: fail the group; run alone, only that request fails.
  if (lost[0] !== undefined) throw claimLost();
  return units.map((unit, index) => outcomes[index] ?? (answers.get(unit) as UnitOutcome));
}

function refusal(error: unknown): CofferError {
  if (isCofferError(error)) return error;
  throw error;
}

/** A movement at the group's stamp: a new transaction is created (and posted) then, a resolution resolved then. */
function restamped(movement: Applied, stamp: Date): Applied {
  const { transaction, change } = movement;
  const posted = transaction.status === 'posted';
  if (change.resolves !== undefined) {
    return {
      ...movement,
      now: stamp,
      transaction: { ...transaction, postedAt: posted ? stamp : transaction.postedAt },
      reservation: { ...movement.reservation, resolvedAt: stamp },
    };
  }
  return { ...movement, now: stamp, transaction: { ...transaction, createdAt: stamp, postedAt: posted ? stamp : null } };
}

/** The row changes of existing transactions, one per row: a resolution's new state, and what reversals added. */
function transactionUpdates(applied: readonly Applied[]) {
  const updates = new Map<
    string,
    {
      id: string;
      resolution: { status: string; capturedAmount: bigint | null; resolvedAt: Date; postedAt: Date | null; reason: string | null } | null;
      reversedAdded: bigint;
    }
  >();
  const of = (id: string) => {
    let update = updates.get(id);
    if (update === undefined) {
      update = { id, resolution: null, reversedAdded: 0n };
      updates.set(id, update);
    }
    return update;
  };
  for (const movement of applied) {
    const { change, transaction, reservation } = movement;
    if (change.resolves !== undefined) {
      of(transaction.id).resolution = {
        status: transaction.status,
        capturedAmount: change.resolves.capturedAmount,
        resolvedAt: reservation.resolvedAt as Date,
        postedAt: transaction.postedAt,
        reason: transaction.reason,
      };
    }
    if (change.reverses !== undefined) of(change.reverses.id).reversedAdded += change.reverses.amount;
  }
  return [...updates.values()];
}

/** The applied movements as they will be written: each transaction with all its entries, the new ones numbered from `entryIds` in order. */
function withEntries(applied: readonly Applied[], entryIds: readonly string[]): Written[] {
  let next = 0;
  const written = applied.map(
    (movement): Written => ({
      ...movement.transaction,
      ...movement.reservation,
      entries: [
        ...movement.before,
        ...movement.entries.map(
          (entry): Entry => ({
            ...entry,
            id: entryIds[next++] as string,
            transactionId: movement.transaction.id,
            kind: movement.transaction.kind,
            createdAt: movement.now,
          }),
        ),
      ],
    }),
  );
  assert(next === entryIds.length, 'every entry got an id');
  return written;
}

/** The locked rows and the wallets' counters as the movements applied so far left them. */
class Ledger {
  private readonly counters = new Map<string, Counters>();
  private readonly transactions = new Map<string, LockedTransaction>();
  private readonly quotes = new Map<string, Quote>();

  constructor(
    private readonly wallets: ReadonlyMap<string, LockedWallet>,
    private readonly lockedTransactions: ReadonlyMap<string, LockedTransaction>,
    private readonly lockedQuotes: ReadonlyMap<string, Quote>,
    readonly cards: ReadonlyMap<string, Card>,
  ) {}

  countersOf(id: string): Counters | undefined {
    return this.counters.get(id) ?? this.wallets.get(id)?.counters;
  }

  wallet(id: string): LockedWallet | undefined {
    return this.wallets.get(id);
  }

  transaction(id: string): LockedTransaction | undefined {
    return this.transactions.get(id) ?? this.lockedTransactions.get(id);
  }

  quote(id: string): Quote | undefined {
    return this.quotes.get(id) ?? this.lockedQuotes.get(id);
  }

  keep(scratch: { counters: ReadonlyMap<string, Counters>; transactions: ReadonlyMap<string, LockedTransaction>; quotes: ReadonlyMap<string, Quote> }): void {
    for (const [id, value] of scratch.counters) this.counters.set(id, value);
    for (const [id, value] of scratch.transactions) this.transactions.set(id, value);
    for (const [id, value] of scratch.quotes) this.quotes.set(id, value);
  }

  /** The wallets whose counters changed, with their final counters. */
  changed(): ReadonlyMap<string, Counters> {
    return this.counters;
  }

  /** A layer for one unit: its movements see each other's effects; `keep` makes them the ledger's. */
  scratch(): Scratch {
    return new Scratch(this);
  }
}

class Scratch {
  readonly counters = new Map<string, Counters>();
  readonly transactions = new Map<string, LockedTransaction>();
  readonly quotes = new Map<string, Quote>();

  constructor(private readonly ledger: Ledger) {}

  private rows(): LockedRows {
    return {
      transaction: (id) => this.transactions.get(id) ?? this.ledger.transaction(id),
      quote: (id) => this.quotes.get(id) ?? this.ledger.quote(id),
      card: (id) => this.ledger.cards.get(id),
      wallet: (id) => this.ledger.wallet(id),
    };
  }

  /** Applies one movement's rule; a refusal leaves everything as it was. */
  apply(plan: MovementPlan, { actor, now }: Pick<PostingUnit, 'actor' | 'now'>): Applied | CofferError {
    let change: Change;
    let posting: Posting;
    const states = new Map<string, WalletState>();
    const rows = this.rows();
    try {
      change = plan.build(rows);
      for (const id of plan.lockIds) {
        const wallet = this.ledger.wallet(id);
        assert(wallet !== undefined, `wallet ${id} exists once referenced`);
        if (change.requireActiveCurrency !== false && !wallet.currencyActive) {
          throw new CofferError(
            'currency_inactive',
            `The currency of wallet ${id} (${wallet.currencyCode}) is inactive: its wallets cannot move money.`,
            undefined,
            { currency: { id: wallet.currencyId, code: wallet.currencyCode } },
          );
        }
        states.set(id, { ...toWalletState(wallet), counters: this.countersOf(id) });
      }
      posting = post(states, change.legs);
    } catch (error) {
      return refusal(error);
    }
    for (const [currencyId, sums] of imbalance(posting.entries)) {
      assert(sums.posted === 0n && sums.pending === 0n, `entries balance in currency ${currencyId}`);
    }
    const thresholdEvents: EventRow[] = [];
    for (const [id, after] of posting.counters) {
      const wallet = this.ledger.wallet(id) as LockedWallet;
      if (crossedBelow(this.countersOf(id), after, wallet.lowBalanceThreshold)) {
        thresholdEvents.push({
          id: newId(now.getTime()),
          event: walletEvent('wallet.balance_below_threshold', { ...wallet, counters: after }),
          createdAt: now,
        });
      }
      this.counters.set(id, after);
    }
    const { transaction } = change;
    const resolved = change.resolves !== undefined ? rows.transaction(transaction.id) : undefined;
    const before = resolved?.entries ?? [];
    const reservation =
      change.resolves !== undefined
        ? { expiresAt: resolved?.expiresAt ?? null, resolvedAt: now, capturedAmount: change.resolves.capturedAmount }
        : { expiresAt: change.expiresAt ?? null, resolvedAt: null, capturedAmount: null };
    // Later movements of the group see this one's effect on the rows it changed.
    if (change.resolves !== undefined) this.transactions.set(transaction.id, { ...transaction, ...reservation, entries: before });
    let reversedOriginal: LockedTransaction | undefined;
    if (change.reverses !== undefined) {
      const original = rows.transaction(change.reverses.id) as LockedTransaction;
      reversedOriginal = { ...original, reversedAmount: original.reversedAmount + change.reverses.amount };
      this.transactions.set(original.id, reversedOriginal);
    }
    if (change.quoteUsed !== undefined) {
      const quote = rows.quote(change.quoteUsed) as Quote;
      this.quotes.set(quote.id, { ...quote, usedAt: now, transactionId: transaction.id });
    }
    return {
      change,
      transaction,
      before,
      entries: posting.entries,
      reservation,
      thresholdEvents,
      ...(reversedOriginal !== undefined ? { reversedOriginal } : {}),
      actor,
      now,
    };
  }

  keep(): void {
    this.ledger.keep(this);
  }

  private countersOf(id: string): Counters {
    return this.counters.get(id) ?? (this.ledger.countersOf(id) as Counters);
  }
}

/** A unit of one movement: refused with the movement's own error, answered by `answer`. */
export function movementUnit(
  actor: Actor,
  named: readonly string[],
  now: Date,
  plan: (tx: StoreTx) => Promise<MovementPlan>,
  answer: (written: Written) => Outcome,
): Omit<PostingUnit, 'idempotency'> {
  return {
    actor,
    now,
    named,
    atomic: true,
    plan: async (tx) => [await plan(tx)],
    fail: (_index, error) => error,
    respond: ([result]) => {
      assert(result?.ok === true, 'an atomic unit is answered only when its movement was written');
      return answer(result.transaction);
    },
  };
}

/**
 * A unit of a batch (`plan` plans an item; its error refuses that item). Atomic: the first refused
 * item refuses the batch (`batch_item_failed`); independent: each item stands alone.
 */
export function batchUnit(
  actor: Actor,
  plans: readonly ((tx: StoreTx) => Promise<MovementPlan>)[],
  named: readonly string[],
  atomic: boolean,
  now: Date,
  answer: (results: readonly BatchItemResult[]) => Outcome,
): Omit<PostingUnit, 'idempotency'> {
  return {
    actor,
    now,
    named,
    atomic,
    plan: async (tx) => {
      const planned: (MovementPlan | CofferError)[] = [];
      for (const plan of plans) {
        planned.push(
          await Promise.resolve()
            .then(() => plan(tx))
            .catch(refusal),
        );
        if (atomic && planned[planned.length - 1] instanceof CofferError) break;
      }
      return planned;
    },
    fail: batchItemFailed,
    respond: (results) =>
      answer(
        results.map((result, index) =>
          result.ok ? { index, status: 'posted', transaction: result.transaction } : { index, status: 'failed', error: result.error },
        ),
      ),
  };
}
