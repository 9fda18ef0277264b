import { limits } from '../domain/limits.js';
import type { Store } from '../store/store.js';
import type { Actor } from '../domain/api-key.js';
import { resolutionPlan } from './reservations.js';
import { movementUnit, postUnits } from './set-posting.js';

/** The expiry worker acts as the system itself: it is audited nowhere and sees every entry. */
const expiryActor: Actor = { apiKeyId: '00000000-0000-0000-0000-000000000000', role: 'admin', merchantId: null, scopes: [] };

/**
 * Releases holds whose `expiresAt` is at or before `now`, through the posting pipeline: at most
 * `batchMax` in one database transaction, each hold alone (one already captured or voided
 * meanwhile is skipped). Several processes on one PostgreSQL (and a capture or a void racing with
 * them) resolve each hold exactly once: the pipeline locks the hold's row and finds it pending or not.
 * Returns how many this call released.
 */
export async function expireDueHolds(store: Store, now: Date, batchMax: number = limits.holdExpiryBatchMax): Promise<number> {
  const due = await store.read.dueHolds(now, batchMax);
  if (due.length === 0) return 0;
  const units = due.map((hold) =>
    movementUnit(
      expiryActor,
      [],
      now,
      (tx) => resolutionPlan(tx, hold, 'expire', null, now),
      () => ({ statusCode: 200, body: null }),
    ),
  );
  const outcomes = await store.transaction((tx) =>
    postUnits(
      tx,
      units.map((unit) => ({ ...unit, idempotency: null })),
    ),
  );
  return outcomes.filter((outcome) => outcome.ok).length;
}

export interface HoldExpiryWorker {
  stop(): Promise<void>;
}

/** Runs `expireDueHolds` every `intervalMs` (never two runs at once in this process). */
export function startHoldExpiry(
  store: Store,
  clock: () => Date,
  onError: (error: unknown) => void,
  intervalMs: number = limits.holdExpiryIntervalMs,
): HoldExpiryWorker {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = expireDueHolds(store, clock())
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
