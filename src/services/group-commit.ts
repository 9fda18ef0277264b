import type { GroupCommitSettings } from '../config.js';
import type { Outcome } from '../domain/outcome.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import { isRetryable } from '../store/database.js';
import type { Store } from '../store/store.js';
import { type PostingUnit, postUnits, type UnitOutcome } from './set-posting.js';

interface Pending {
  readonly unit: PostingUnit;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** What the committer has done since start: lets tests prove that requests were grouped. */
export interface GroupCommitStats {
  readonly groups: number;
  readonly requests: number;
  readonly largestGroup: number;
}

/**
 * Group commit: concurrent money movements share one database transaction and one commit.
 *
 * Every request is a unit of the posting pipeline (services/set-posting.ts): the group's units
 * are planned, locked in one global order, applied in memory in arrival order (a refused unit
 * fails alone, its neighbours still apply) and written in one statement, each unit's idempotency
 * answer with them. Each caller gets its own result, only after the commit.
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

  /** Posts a unit: its answer, or its refusal thrown. */
  post(unit: PostingUnit): Promise<Outcome> {
    if (!this.settings.enabled || this.settings.sizeMax <= 1) return this.store.transaction((tx) => postAlone(tx, unit));
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
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
    let outcomes: readonly UnitOutcome[];
    // The last error thrown inside the database transaction (so it was rolled back, not committed).
    let failedInside: unknown;
    try {
      outcomes = await this.store.transaction(async (tx) => {
        try {
          return await postUnits(
            tx,
            group.map((item) => item.unit),
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
      // Something failed that no single request's refusal explains (a key taken over by a retry,
      // a failed statement): each request runs alone, so only the one at fault fails.
      for (const item of group) await this.store.transaction((tx) => postAlone(tx, item.unit)).then(item.resolve, item.reject);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const item = group[index] as Pending;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}

/** A unit's answer, or its refusal thrown. */
async function postAlone(tx: StoreTx, unit: PostingUnit): Promise<Outcome> {
  const [outcome] = await postUnits(tx, [unit]);
  if (outcome === undefined || !outcome.ok) throw outcome?.error;
  return outcome.value;
}
