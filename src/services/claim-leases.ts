import { limits } from '../domain/limits.js';
import type { IdempotencyLease } from '../domain/idempotency.js';
import type { Store } from '../store/store.js';

/**
 * The leases of the claims this process holds: while any request runs, one statement every
 * `limits.idempotencyLeaseRenewMs` pushes all their leases on. A process that dies renews nothing,
 * so its claims can be taken over `limits.idempotencyInFlightTimeoutMs` after their last renewal.
 */
export class ClaimLeases {
  private readonly held = new Set<IdempotencyLease>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  hold(lease: IdempotencyLease): void {
    this.held.add(lease);
    this.timer ??= setInterval(() => this.renew(), limits.idempotencyLeaseRenewMs).unref();
  }

  release(lease: IdempotencyLease): void {
    this.held.delete(lease);
    if (this.held.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private renew(): void {
    const leases = [...this.held];
    // A failed renewal is harmless: the claim may be taken over, and its request then commits nothing (the fence).
    void this.store.read.renewIdempotencyLeases(leases, new Date(this.clock().getTime() + limits.idempotencyInFlightTimeoutMs)).catch(() => undefined);
  }
}
