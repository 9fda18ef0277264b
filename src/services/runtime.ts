import type { Config } from '../config.js';
import type { IdempotencyClaim, IdempotencyClaimRequest } from '../domain/idempotency.js';
import { limits } from '../domain/limits.js';
import type { Store } from '../store/store.js';
import { ClaimLeases } from './claim-leases.js';
import { Coalescer } from './coalescer.js';
import type { ServiceContext } from './context.js';
import { GroupCommitter } from './group-commit.js';

/**
 * What one running Coffer keeps between requests, built once per context (`createContext`), never
 * in a module: the group committer (its queue must be shared by every request on the store), the
 * coalescer of Idempotency-Key claims, and the leases of the claims in flight.
 */
export interface Runtime {
  readonly committer: GroupCommitter;
  readonly claims: Coalescer<IdempotencyClaimRequest, IdempotencyClaim>;
  readonly leases: ClaimLeases;
}

/** A context with its runtime: what the API and the posting path run on. */
export interface RuntimeContext extends ServiceContext {
  readonly runtime: Runtime;
}

/** A context and its runtime, for the server, the CLI, scripts and tests alike. */
export function createContext(store: Store, config: Config, clock: () => Date = () => new Date()): RuntimeContext {
  return {
    store,
    clock,
    config,
    runtime: {
      committer: new GroupCommitter(store, config.groupCommit),
      // Concurrent claims share one statement and one commit (they arrive together under load).
      claims: new Coalescer((requests) => store.read.claimIdempotencyKeys(requests), limits.idempotencyClaimBatchMax, 2),
      leases: new ClaimLeases(store, clock),
    },
  };
}
