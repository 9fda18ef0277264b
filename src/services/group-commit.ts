import type { GroupCommitSettings } from '../config.js';
import type { Outcome } from '../domain/outcome.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { isRetryable } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { uuidPattern } from './pagination.js';
import { deferJournal, flushJournal } from './journal.js';
import { type PostingUnit, postUnits } from './set-posting.js';

/** A unit of work: a function of the database transaction, or a unit of the set-based posting path. */
type Job =
  | { readonly kind: 'work'; readonly work: (tx: StoreTx) => Promise<unknown>; readonly lockHint: readonly string[] }
  | { readonly kind: 'posting'; readonly unit: PostingUnit };

interface Pending {
  readonly job: Job;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** What the committer has done since start: lets tests prove that requests were grouped. */
export interface GroupCommitStats {
  readonly groups: number;
  readonly requests: number;
  readonly largestGroup: number;
}

type ItemOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Hints are request input: only well-formed ids are locked, and at most this many per group. */
const lockHintsMax = 5_000;

/**
 * Group commit: concurrent units of work share one database transaction and one commit.
 *
 * Each unit runs under its own savepoint, in arrival order, so one that fails (insufficient
 * funds, a blocked wallet, any error) is rolled back alone and its neighbours still apply; its
 * caller gets its own error, the others their own results, and only after the commit. A unit is
 * exactly what it was without grouping: `work(tx)` calls `writeDraft` per transaction and the
 * idempotency key is completed inside it, so each change still commits with its key.
 *
 * Before the units run, the wallets they announce (`lockHint`) are locked once, in id order,
 * which keeps two groups from deadlocking on each other's wallets; wallets found only while
 * planning (parents, system accounts) are locked by `writeDraft` as usual, and a deadlock or
 * serialization failure there re-runs the whole group (store.transaction retries it).
 *
 * Scheduling: when no group is running the request starts at once (an idle service adds no
 * latency); otherwise requests gather until `sizeMax` of them wait, `waitMs` has passed, or a
 * running group finishes, and at most `concurrencyMax` groups run at a time.
 */
export class GroupCommitter {
  private readonly queue: Pending[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private due = false;
  private counted = { groups: 0, requests: 0, largestGroup: 0 };

  constructor(
    private readonly store: Store,
    private readonly settings: GroupCommitSettings,
  ) {}

  /** Runs `work` in a database transaction, shared with concurrent requests when grouping is on. */
  run<T>(work: (tx: StoreTx) => Promise<T>, lockHint: readonly string[] = []): Promise<T> {
    return this.enqueue({ kind: 'work', work, lockHint }) as Promise<T>;
  }

  /** Posts a unit on the set-based path (services/set-posting.ts): its answer, or its refusal thrown. */
  post(unit: PostingUnit): Promise<Outcome> {
    return this.enqueue({ kind: 'posting', unit }) as Promise<Outcome>;
  }

  private enqueue(job: Job): Promise<unknown> {
    if (!this.settings.enabled || this.settings.sizeMax <= 1) return this.store.transaction((tx) => journaled(tx, () => runAlone(tx, job)));
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once no request is queued or committing (at most `timeoutMs`): for a graceful stop. */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.running > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  stats(): GroupCommitStats {
    return { ...this.counted };
  }

  private schedule(): void {
    while (this.queue.length > 0 && this.running < this.settings.concurrencyMax) {
      if (this.running > 0 && !this.due && this.queue.length < this.settings.sizeMax) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.due = true;
          this.schedule();
        }, this.settings.waitMs);
        return;
      }
      this.due = false;
      if (this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      const group = this.queue.splice(0, this.settings.sizeMax);
      this.counted = {
        groups: this.counted.groups + 1,
        requests: this.counted.requests + group.length,
        largestGroup: Math.max(this.counted.largestGroup, group.length),
      };
      this.running++;
      void this.commit(group).finally(() => {
        this.running--;
        // Whoever queued while this group ran has waited long enough: start them now.
        this.due = this.queue.length > 0;
        this.schedule();
      });
    }
  }

  private async commit(group: readonly Pending[]): Promise<void> {
    let outcomes: readonly ItemOutcome[];
    // The last error thrown inside the database transaction (so it was rolled back, not committed).
    let failedInside: unknown;
    try {
      outcomes = await this.store.transaction(async (tx) => {
        try {
          return await journaled(tx, async () =>
            group.length === 1 ? [{ ok: true as const, value: await runAlone(tx, (group[0] as Pending).job) }] : await runGroup(tx, group),
          );
        } catch (error) {
          failedInside = error;
          throw error;
        }
      });
    } catch (error) {
      // A failed commit may have committed: never run its requests again (their keys tell the client).
      if (group.length === 1 || isRetryable(error) || error !== failedInside) {
        for (const item of group) item.reject(error);
        return;
      }
      // Something failed that no single request's refusal explains (a failed statement of the
      // set-based path, say): each request runs alone, so only the one at fault fails.
      for (const item of group) await this.store.transaction((tx) => journaled(tx, () => runAlone(tx, item.job))).then(item.resolve, item.reject);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const item = group[index] as Pending;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}

/** The announced wallets of some requests: well-formed ids only, at most `lockHintsMax`. */
function lockable(jobs: readonly Job[]): string[] {
  const hinted = new Set<string>();
  for (const job of jobs) {
    if (job.kind !== 'work') continue;
    for (const id of job.lockHint) if (hinted.size < lockHintsMax && uuidPattern.test(id)) hinted.add(id.toLowerCase());
  }
  return [...hinted];
}

/**
 * Runs `fn` with the journal links of the database transaction held back, then chains them all
 * under one lock of the chain head: the last lock the transaction takes. (Appended request by
 * request, the head would be locked by the first request's link while later requests of the
 * group still lock wallets: a cycle with any group waiting for the head.)
 */
async function journaled<T>(tx: StoreTx, fn: () => Promise<T>): Promise<T> {
  deferJournal(tx);
  const result = await fn();
  await flushJournal(tx);
  return result;
}

/** A posting unit's answer, or its refusal thrown. */
async function postAlone(tx: StoreTx, unit: PostingUnit): Promise<Outcome> {
  const [outcome] = await postUnits(tx, [unit]);
  if (outcome === undefined || !outcome.ok) throw outcome?.error;
  return outcome.value;
}

/**
 * A group of one needs no savepoint: its failure rolls back the database transaction, as before.
 * A request naming more than two wallets (a batch) takes them all first, in id order: its items
 * would otherwise lock them one transfer at a time and could deadlock with another batch.
 */
async function runAlone(tx: StoreTx, job: Job): Promise<unknown> {
  if (job.kind === 'posting') return postAlone(tx, job.unit);
  const hinted = lockable([job]);
  if (hinted.length > 2) await tx.lockWallets(hinted);
  return job.work(tx);
}

/**
 * Posting units first, set-based and all together (their lock statement also takes the wallets
 * the other requests announce); then every other request under its own savepoint, in arrival order.
 */
async function runGroup(tx: StoreTx, group: readonly Pending[]): Promise<ItemOutcome[]> {
  const jobs = group.map((item) => item.job);
  const hinted = lockable(jobs);
  const units = jobs.flatMap((job) => (job.kind === 'posting' ? [job.unit] : []));
  const posted = new Map<PostingUnit, ItemOutcome>();
  if (units.length > 0) {
    const outcomes = await postUnits(tx, units, hinted);
    for (const [index, unit] of units.entries()) posted.set(unit, outcomes[index] as ItemOutcome);
  } else if (hinted.length > 0) {
    await tx.lockWallets(hinted);
  }
  const outcomes: ItemOutcome[] = [];
  for (const job of jobs) {
    if (job.kind === 'posting') {
      outcomes.push(posted.get(job.unit) as ItemOutcome);
      continue;
    }
    try {
      outcomes.push({ ok: true, value: await tx.savepointKept(() => job.work(tx)) });
    } catch (error) {
      // A deadlock or serialization failure is the group's, not the item's: retry the group.
      if (isRetryable(error)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

const committers = new WeakMap<Store, GroupCommitter>();

/** The one committer of a store (its queue must be shared by every request on that store). */
export function groupCommitOf(ctx: ServiceContext): GroupCommitter {
  let committer = committers.get(ctx.store);
  if (committer === undefined) {
    committer = new GroupCommitter(ctx.store, ctx.config.groupCommit);
    committers.set(ctx.store, committer);
  }
  return committer;
}
