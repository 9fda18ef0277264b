import { limits } from '../domain/limits.js';
import type { Store } from '../store/store.js';
import { applyResolution } from './reservations.js';

/**
 * Releases holds whose `expiresAt` is at or before `now`, each in its own database transaction.
 * Due holds are taken with `for update skip locked`, so several processes on one PostgreSQL
 * (and a capture or a void racing with them) resolve each hold exactly once. Returns how many
 * this call released; at most `batchMax`, so one call is bounded.
 */
export async function expireDueHolds(store: Store, now: Date, batchMax: number = limits.holdExpiryBatchMax): Promise<number> {
  let released = 0;
  while (released < batchMax) {
    const done = await store.transaction(async (tx) => {
      const [due] = await tx.lockDueHolds(now, 1);
      if (due === undefined) return false;
      await applyResolution(tx, due, 'expire', null, now);
      return true;
    });
    if (!done) break;
    released++;
  }
  return released;
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
