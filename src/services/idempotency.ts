import { createHash } from 'node:crypto';
import { CofferError } from '../domain/errors.js';
import { containsCardNumber } from '../domain/text-screen.js';
import { limits } from '../domain/limits.js';
import type { StoreTx } from '../store/store.js';
import type { ServiceContext } from './context.js';
import type { IdempotencyClaim, IdempotencyClaimRequest } from '../store/idempotency-queries.js';
import { Coalescer } from './coalescer.js';
import { groupCommitOf } from './group-commit.js';
import type { PostingUnit } from './set-posting.js';

/** What a money-moving request answers: replayed byte for byte for the same Idempotency-Key. */
export interface Outcome {
  readonly statusCode: number;
  readonly body: unknown;
}

export interface IdempotentOutcome extends Outcome {
  readonly replayed: boolean;
}

export interface IdempotencyRequest {
  /** The merchant (or admin) the key belongs to: keys of different merchants never collide. */
  readonly scope: string;
  readonly key: string | undefined;
  /** What makes two requests "the same": method, route and body. */
  readonly fingerprint: unknown;
  /** Wallet ids the work will lock, if known: group commit locks them up front, in id order. */
  readonly lockHint?: readonly string[];
}

export function requestHash(fingerprint: unknown): string {
  return createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex');
}

export function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > limits.idempotencyKeyLengthMax || !/^[\x21-\x7e]+$/.test(key) || containsCardNumber(key)) {
    throw new CofferError('idempotency_key_invalid');
  }
}

interface HeldKey {
  readonly scope: string;
  readonly key: string;
  /** The claim's time, stored with it: a fence against a request that took the claim over. */
  readonly claimedAt: Date;
}

/** Thrown when a request's key was taken over while it ran (its claim went stale): nothing of it may commit. */
export function claimLost(key: string): CofferError {
  return new CofferError('request_in_progress', `Idempotency-Key "${key}" was taken over by a retry while this request ran; it was not applied.`);
}

type Claim = { readonly replay: IdempotentOutcome } | { readonly held: HeldKey | null };

const claimers = new WeakMap<ServiceContext['store'], Coalescer<IdempotencyClaimRequest, IdempotencyClaim>>();

/** Concurrent claims share one statement and one commit (they arrive together under load). */
function claimerOf(ctx: ServiceContext): Coalescer<IdempotencyClaimRequest, IdempotencyClaim> {
  let claimer = claimers.get(ctx.store);
  if (claimer === undefined) {
    claimer = new Coalescer((requests) => ctx.store.read.claimIdempotencyKeys(requests), limits.idempotencyClaimBatchMax, 2);
    claimers.set(ctx.store, claimer);
  }
  return claimer;
}

/**
 * Claims the request's key (its own short commit), so a concurrent duplicate sees it in flight
 * (409); or answers a replay of a finished request; or, without a key, holds nothing.
 */
async function claim(ctx: ServiceContext, request: IdempotencyRequest): Promise<Claim> {
  if (request.key === undefined) return { held: null };
  checkIdempotencyKey(request.key);
  const { scope, key } = request;
  const hash = requestHash(request.fingerprint);
  const now = ctx.clock();
  const claimed = await claimerOf(ctx).submit({
    scope,
    key,
    requestHash: hash,
    now,
    expiresAt: new Date(now.getTime() + ctx.config.idempotencyTtlHours * 3_600_000),
    staleBefore: new Date(now.getTime() - limits.idempotencyInFlightTimeoutMs),
  });
  if (claimed.state === 'claimed') return { held: { scope, key, claimedAt: now } };
  if (claimed.requestHash !== hash) {
    throw new CofferError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request.`);
  }
  if (claimed.state === 'in_flight') throw new CofferError('request_in_progress', `A request with Idempotency-Key "${key}" is still running.`);
  return { replay: { statusCode: claimed.statusCode, body: claimed.response, replayed: true } };
}

/** Runs the claimed request; a request that fails gives its key back, so nothing of it remains. */
async function releasing(ctx: ServiceContext, held: HeldKey | null, run: () => Promise<Outcome>): Promise<IdempotentOutcome> {
  try {
    return { ...(await run()), replayed: false };
  } catch (error) {
    if (held !== null) await ctx.store.read.releaseIdempotencyKey(held.scope, held.key, held.claimedAt).catch(() => releaseLater(ctx, held));
    throw error;
  }
}

const releaseRetryMs = 250;

/**
 * The database went away before the key could be given back (a failover): keep trying in the
 * background until the claim would go stale anyway, so a retry of the request does not meet
 * "in progress" for a minute. Safe even if the lost commit did land: the release only deletes a
 * claim still in flight under this claim time, and a committed request completed it.
 */
function releaseLater(ctx: ServiceContext, held: HeldKey): void {
  const giveUpAt = held.claimedAt.getTime() + limits.idempotencyInFlightTimeoutMs;
  const attempt = () => {
    if (Date.now() >= giveUpAt) return;
    ctx.store.read.releaseIdempotencyKey(held.scope, held.key, held.claimedAt).catch(() => setTimeout(attempt, releaseRetryMs).unref());
  };
  setTimeout(attempt, releaseRetryMs).unref();
}

/**
 * Runs `work` at most once per (scope, key). The key is claimed first (its own short commit),
 * so a concurrent duplicate sees it in flight (409); the outcome is recorded in the same
 * database transaction as the change, so a change is never committed without its key or the
 * reverse. A request that fails gives its key back: nothing of it remains. The database
 * transaction may be shared with concurrent requests (group commit, services/group-commit.ts):
 * each request's work and key still commit together, or roll back alone.
 */
export async function runIdempotent(
  ctx: ServiceContext,
  request: IdempotencyRequest,
  work: (tx: StoreTx) => Promise<Outcome>,
): Promise<IdempotentOutcome> {
  const claimed = await claim(ctx, request);
  if ('replay' in claimed) return claimed.replay;
  const { held } = claimed;
  return releasing(ctx, held, () =>
    groupCommitOf(ctx).run(async (tx) => {
      const outcome = await work(tx);
      if (held !== null && !(await tx.completeIdempotencyKey(held.scope, held.key, held.claimedAt, outcome.statusCode, outcome.body))) throw claimLost(held.key);
      return outcome;
    }, request.lockHint),
  );
}

/** `runIdempotent` for a unit of the set-based posting path: its answer is recorded with the group's writes. */
export async function runIdempotentPosting(ctx: ServiceContext, request: IdempotencyRequest, unit: Omit<PostingUnit, 'idempotency'>): Promise<IdempotentOutcome> {
  const claimed = await claim(ctx, request);
  if ('replay' in claimed) return claimed.replay;
  return releasing(ctx, claimed.held, () => groupCommitOf(ctx).post({ ...unit, idempotency: claimed.held }));
}

/** Deletes keys past their lifetime (at least 24 hours after their first use). */
export async function cleanIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  return ctx.store.read.deleteExpiredIdempotencyKeys(ctx.clock());
}
