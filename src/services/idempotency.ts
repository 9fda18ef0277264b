import { createHash } from 'node:crypto';
import { CofferError } from '../domain/errors.js';
import { containsCardNumber } from '../domain/text-screen.js';
import { limits } from '../domain/limits.js';
import type { StoreTx } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { groupCommitOf } from './group-commit.js';

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
  if (request.key === undefined) {
    return { ...(await groupCommitOf(ctx).run(work, request.lockHint)), replayed: false };
  }
  checkIdempotencyKey(request.key);
  const { scope, key } = request;
  const hash = requestHash(request.fingerprint);
  const now = ctx.clock();
  const claim = await ctx.store.read.claimIdempotencyKey(
    scope,
    key,
    hash,
    now,
    new Date(now.getTime() + ctx.config.idempotencyTtlHours * 3_600_000),
    new Date(now.getTime() - limits.idempotencyInFlightTimeoutMs),
  );
  if (claim.state !== 'claimed') {
    if (claim.requestHash !== hash) {
      throw new CofferError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request.`);
    }
    if (claim.state === 'in_flight') throw new CofferError('request_in_progress', `A request with Idempotency-Key "${key}" is still running.`);
    return { statusCode: claim.statusCode, body: claim.response, replayed: true };
  }
  try {
    return {
      ...(await groupCommitOf(ctx).run(async (tx) => {
        const outcome = await work(tx);
        await tx.completeIdempotencyKey(scope, key, outcome.statusCode, outcome.body);
        return outcome;
      }, request.lockHint)),
      replayed: false,
    };
  } catch (error) {
    await ctx.store.read.releaseIdempotencyKey(scope, key).catch(() => undefined);
    throw error;
  }
}

/** Deletes keys past their lifetime (at least 24 hours after their first use). */
export async function cleanIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  return ctx.store.read.deleteExpiredIdempotencyKeys(ctx.clock());
}
