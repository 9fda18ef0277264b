import type { Actor } from '../domain/api-key.js';
import { claimLost, type Outcome } from '../domain/outcome.js';
import { assert } from '../domain/assert.js';
import { crossedBelow, type Counters } from '../domain/balance.js';
import { CofferError, isCofferError } from '../domain/errors.js';
import { imbalance, type PlannedEntry, type Posting, post } from '../domain/posting.js';
import type { Entry, Transaction, TransactionWithEntries } from '../domain/transaction.js';
import type { WalletState, LockedWallet } from '../domain/wallet.js';
import type { EventRow } from '../domain/event.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { toWalletState } from '../store/wallet-queries.js';
import { visibleEntries } from './access.js';
import { auditRow } from './audit.js';
import { transactionEvent, walletEvent } from './events.js';
import { newId } from './ids.js';
import { appendJournalLinks } from './journal.js';
import { type BatchItemResult, batchItemFailed } from './batches.js';
import { type MovementPlan, movementAudit, namedWallets, planMovement, type SimpleMovement } from './transactions.js';
import { warmWalletRefs } from './wallet-refs.js';

/** What one movement of a unit came to: the transaction as written, or why it was refused. */
export type MovementResult = { readonly ok: true; readonly transaction: TransactionWithEntries } | { readonly ok: false; readonly error: CofferError };

/**
 * A request on the set-based posting path: one simple movement (topup, withdrawal, transfer,
 * adjustment) or a batch of them, with what it answers and where its answer is recorded.
 */
export interface PostingUnit {
  readonly actor: Actor;
  readonly now: Date;
  /** The wallets the request names: their references are loaded for the whole group at once. */
  readonly named: readonly string[];
  /** Plans each movement, reading only (wallet references, system accounts); a CofferError refuses that movement. */
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
  readonly transaction: Transaction;
  readonly entries: readonly PlannedEntry[];
  readonly thresholdEvents: readonly EventRow[];
  readonly actor: Actor;
  readonly now: Date;
}

/**
 * Group commit's set-based path: many units in one database transaction, each with its own result.
 *
 * 1. Every unit plans its movements (cached reads; a refusal here writes nothing).
 * 2. All the wallets involved, with `extraLocks`, are locked once, in id order, in one statement.
 * 3. Each movement's posting rule runs in memory, in arrival order, on the counters as the
 *    movements before it left them: exactly what one database transaction per request would
 *    have seen. A refused movement (insufficient funds, a blocked wallet…) changes nothing.
 * 4. Everything is written in one statement per table: transactions, entries, counters (a hot
 *    wallet's once), events, audit records, the units' idempotency answers, and last the journal
 *    links, under one lock of the chain head.
 *
 * Units are refused by value (their outcome), never by throwing: a throw is a failure of the
 * whole database transaction (the committer retries or reports it).
 */
export async function postUnits(tx: StoreTx, units: readonly PostingUnit[], extraLocks: readonly string[] = []): Promise<UnitOutcome[]> {
  await warmWalletRefs(
    tx,
    units.flatMap((unit) => unit.named),
  );
  const plans: (readonly (MovementPlan | CofferError)[] | CofferError)[] = [];
  for (const unit of units) plans.push(await unit.plan(tx).catch(refusal));
  const lockIds = new Set(extraLocks);
  for (const planned of plans) {
    if (planned instanceof CofferError) continue;
    for (const plan of planned) if (!(plan instanceof CofferError)) for (const id of plan.lockIds) lockIds.add(id);
  }
  const locked = lockIds.size > 0 ? await tx.lockWallets([...lockIds]) : new Map<string, LockedWallet>();
  const ledger = new Ledger(locked);

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

  // Stamped in commit order (store.ts `commitStamp`): a balance read with ?at= never changes afterwards.
  if (applied.length > 0) {
    const stamp = await tx.commitStamp(new Date(Math.max(...applied.map((movement) => movement.now.getTime()))));
    applied.forEach((movement, index) => {
      const { transaction } = movement;
      applied[index] = { ...movement, now: stamp, transaction: { ...transaction, createdAt: stamp, postedAt: transaction.postedAt === null ? null : stamp } };
    });
  }
  const written = await writeApplied(tx, applied, ledger.changed());
  const events: EventRow[] = [];
  for (const movement of applied) {
    events.push(...movement.thresholdEvents, { id: newId(movement.now.getTime()), event: transactionEvent(movement.transaction), createdAt: movement.now });
  }
  const audits = applied.map((movement) => auditRow(movement.actor, movementAudit(movement.transaction), movement.now));
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
        'ok' in result
          ? result
          : { ok: true, transaction: visibleEntries(unit.actor, written[next++] as TransactionWithEntries, (id) => locked.get(id)?.merchantId) },
      ),
    );
    answers.set(unit, { ok: true, value: answer });
    if (unit.idempotency !== null) completions.push({ ...unit.idempotency, statusCode: answer.statusCode, response: answer.body });
  }
  await tx.insertEvents(events);
  await tx.insertAuditRecords(audits);
  const lost = await tx.completeIdempotencyKeys(completions);
  // A key taken over by a retry while this group ran: fail the group; run alone, only that request fails.
  if (lost[0] !== undefined) throw claimLost();
  // Last: it locks the chain head (held back to the end of the group under group commit, journal.ts `deferJournal`).
  await appendJournalLinks(tx, written);
  return units.map((unit, index) => outcomes[index] ?? (answers.get(unit) as UnitOutcome));
}

function refusal(error: unknown): CofferError {
  if (isCofferError(error)) return error;
  throw error;
}

/** Writes the applied movements' transactions, entries and final counters; returns them as written. */
async function writeApplied(tx: StoreTx, applied: readonly Applied[], counters: ReadonlyMap<string, Counters>): Promise<TransactionWithEntries[]> {
  if (applied.length === 0) return [];
  await tx.insertTransactions(applied.map((movement) => movement.transaction));
  const rows = applied.flatMap((movement) => movement.entries.map((entry) => ({ ...entry, transactionId: movement.transaction.id, createdAt: movement.now })));
  const ids = await tx.insertEntries(rows, (applied[0] as Applied).now);
  assert(ids.length === rows.length, 'every entry got an id');
  await tx.writeCounters(counters, (applied[applied.length - 1] as Applied).now);
  let next = 0;
  return applied.map((movement) => ({
    ...movement.transaction,
    entries: movement.entries.map(
      (entry): Entry => ({
        ...entry,
        id: ids[next++] as string,
        transactionId: movement.transaction.id,
        kind: movement.transaction.kind,
        createdAt: movement.now,
      }),
    ),
  }));
}

/** The locked wallets and their counters as the movements applied so far left them. */
class Ledger {
  private readonly counters = new Map<string, Counters>();

  constructor(private readonly wallets: ReadonlyMap<string, LockedWallet>) {}

  countersOf(id: string): Counters | undefined {
    return this.counters.get(id) ?? this.wallets.get(id)?.counters;
  }

  wallet(id: string): LockedWallet | undefined {
    return this.wallets.get(id);
  }

  set(changes: ReadonlyMap<string, Counters>): void {
    for (const [id, value] of changes) this.counters.set(id, value);
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
  private readonly counters = new Map<string, Counters>();

  constructor(private readonly ledger: Ledger) {}

  /** Applies one movement's posting rule; a refusal leaves everything as it was. */
  apply(plan: MovementPlan, { actor, now }: Pick<PostingUnit, 'actor' | 'now'>): Applied | CofferError {
    const states = new Map<string, WalletState>();
    for (const id of plan.lockIds) {
      const wallet = this.ledger.wallet(id);
      assert(wallet !== undefined, `wallet ${id} exists once referenced`);
      if (!wallet.currencyActive) return new CofferError('currency_inactive', `The currency of wallet ${id} is inactive: its wallets cannot move money.`);
      states.set(id, { ...toWalletState(wallet), counters: this.countersOf(id) });
    }
    let posting: Posting;
    try {
      posting = post(states, plan.draft.legs);
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
    return { transaction: plan.draft.transaction, entries: posting.entries, thresholdEvents, actor, now };
  }

  keep(): void {
    this.ledger.set(this.counters);
  }

  private countersOf(id: string): Counters {
    return this.counters.get(id) ?? (this.ledger.countersOf(id) as Counters);
  }
}

/** A unit of one simple movement: refused with the movement's own error, answered by `answer`. */
export function movementUnit(
  actor: Actor,
  request: SimpleMovement,
  now: Date,
  answer: (written: TransactionWithEntries) => Outcome,
): Omit<PostingUnit, 'idempotency'> {
  return {
    actor,
    now,
    named: namedWallets(request),
    atomic: true,
    plan: async (tx) => [await planMovement(tx, actor, request, now)],
    fail: (_index, error) => error,
    respond: ([result]) => {
      assert(result?.ok === true, 'an atomic unit is answered only when its movement was written');
      return answer(result.transaction);
    },
  };
}

/**
 * A unit of a batch of simple movements (`parse` turns an item into its movement; its error
 * refuses that item). Atomic: the first refused item refuses the batch (`batch_item_failed`).
 */
export function batchUnit(
  actor: Actor,
  items: readonly (() => SimpleMovement)[],
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
      const plans: (MovementPlan | CofferError)[] = [];
      for (const parse of items) {
        plans.push(
          await Promise.resolve()
            .then(() => planMovement(tx, actor, parse(), now))
            .catch(refusal),
        );
        if (atomic && plans[plans.length - 1] instanceof CofferError) break;
      }
      return plans;
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
