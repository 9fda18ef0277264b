import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../domain/canonical-json.js';
import { CofferError, isCofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import { claimLost, type IdempotentOutcome, type Outcome } from '../domain/outcome.js';
import type { TxStore as StoreTx } from '../domain/store-port.js';
import type { ServiceContext } from './context.js';
import type { RuntimeContext } from './runtime.js';
import type { PostingUnit } from './set-posting.js';

export type { IdempotentOutcome, Outcome } from '../domain/outcome.js';
export { claimLost } from '../domain/outcome.js';

export interface IdempotencyRequest {
  /** The merchant (or admin) the key belongs to: keys of different merchants never collide. */
  readonly scope: string;
  readonly key: string | undefined;
  /** What makes two requests "the same": method, route and body. */
  readonly fingerprint: unknown;
  /**
   * The answer recorded under the key for a refusal, or null to give the key back. A business-rule
   * refusal (422) is an answer like any other: a replay returns it. Validation failures (400),
   * conflicts (409) and the rest do not bind the key.
   */
  readonly refused?: (error: CofferError) => Outcome | null;
}

/** The request's fingerprint: canonical JSON (RFC 8785), so the order of a body's keys does not matter. */
export function requestHash(fingerprint: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(fingerprint as JsonValue))
    .digest('hex');
}

/**
 * A key is 1 to 255 printable ASCII characters; its content is never judged (it is stored hashed,
 * see `storedKey` in store/idempotency-queries.ts), so one that reads like a card number is fine.
 */
export function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > limits.idempotencyKeyLengthMax || !/^[\x21-\x7e]+$/.test(key)) {
    throw new CofferError('idempotency_key_invalid');
  }
}

interface HeldKey {
  readonly scope: string;
  readonly key: string;
  /** The claim's time, stored with it: a fence against a request that took the claim over. */
  readonly claimedAt: Date;
}

type Claim = { readonly replay: IdempotentOutcome } | { readonly held: HeldKey | null };

/**
 * Seconds until a claim's lease can end (the `Retry-After` of 409 `request_in_progress`), at least 1:
 * by then the request has finished (a retry replays its answer) or, if its process died, the claim
 * can be taken over. Unknown (the holder is a request of the same batch): the lease of a fresh claim.
 */
export function retryAfterSeconds(leaseUntil: Date | null, now: Date): number {
  const leftMs = leaseUntil === null ? limits.idempotencyInFlightTimeoutMs : leaseUntil.getTime() - now.getTime();
  return Math.max(1, Math.ceil(leftMs / 1000));
}

/**
 * Claims the request's key (its own short commit), so a concurrent duplicate sees it in flight
 * (409); or answers a replay of a finished request; or, without a key, holds nothing.
 */
async function claim(ctx: RuntimeContext, request: IdempotencyRequest): Promise<Claim> {
  if (request.key === undefined) return { held: null };
  checkIdempotencyKey(request.key);
  const { scope, key } = request;
  const hash = requestHash(request.fingerprint);
  const now = ctx.clock();
  const claimed = await ctx.runtime.claims.submit({
    scope,
    key,
    requestHash: hash,
    now,
    expiresAt: new Date(now.getTime() + ctx.config.idempotencyTtlHours * 3_600_000),
    leaseUntil: new Date(now.getTime() + limits.idempotencyInFlightTimeoutMs),
  });
  if (claimed.state === 'claimed') return { held: { scope, key, claimedAt: now } };
  // The key is not echoed: it is the client's, and is stored only hashed.
  if (claimed.requestHash !== hash) throw new CofferError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
  if (claimed.state === 'in_flight') {
    const wait = retryAfterSeconds(claimed.leaseUntil, now);
    throw new CofferError(
      'request_in_progress',
      `A request with this Idempotency-Key is still running; retry in ${wait} s (if its process died, its claim can be taken over then).`,
      undefined,
      { retryAfterSeconds: wait },
    );
  }
  return { replay: { statusCode: claimed.statusCode, body: claimed.response, replayed: true } };
}

/**
 * Runs the claimed request, its claim's lease renewed meanwhile. A request refused for a business
 * rule records that answer under its key (a replay returns it); any other failure gives the key
 * back, so nothing of the request remains.
 */
async function releasing(ctx: RuntimeContext, request: IdempotencyRequest, held: HeldKey | null, run: () => Promise<Outcome>): Promise<IdempotentOutcome> {
  if (held === null) return { ...(await run()), replayed: false };
  const leases = ctx.runtime.leases;
  leases.hold(held);
  try {
    return { ...(await run()), replayed: false };
  } catch (error) {
    const answer = isCofferError(error) && error.code !== 'request_in_progress' ? (request.refused?.(error) ?? null) : null;
    if (
      answer !== null &&
      (await ctx.store.read.completeIdempotencyKey(held.scope, held.key, held.claimedAt, answer.statusCode, answer.body).catch(() => false))
    ) {
      return { ...answer, replayed: false };
    }
    await ctx.store.read.releaseIdempotencyKey(held.scope, held.key, held.claimedAt).catch(() => releaseLater(ctx, held));
    throw error;
  } finally {
    leases.release(held);
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
 * Runs `work` at most once per (scope, key), in a database transaction of its own (changes that
 * move no money: quotes, compat status changes). The key is claimed first (its own short commit),
 * so a concurrent duplicate sees it in flight (409); the outcome is recorded in the same database
 * transaction as the change, so a change is never committed without its key or the reverse. A
 * request that fails gives its key back: nothing of it remains. Money moves through
 * `runIdempotentPosting` instead.
 */
export async function runIdempotent(ctx: RuntimeContext, request: IdempotencyRequest, work: (tx: StoreTx) => Promise<Outcome>): Promise<IdempotentOutcome> {
  const claimed = await claim(ctx, request);
  if ('replay' in claimed) return claimed.replay;
  const { held } = claimed;
  return releasing(ctx, request, held, () =>
    ctx.store.transaction(async (tx) => {
      const outcome = await work(tx);
      if (held !== null && !(await tx.completeIdempotencyKey(held.scope, held.key, held.claimedAt, outcome.statusCode, outcome.body))) throw claimLost();
      return outcome;
    }),
  );
}

/**
 * `runIdempotent` for a creation whose service commits its own database transaction (wallets,
 * currencies, API keys, webhooks, cards): the key is claimed first, so a concurrent duplicate
 * meets 409 and a finished one is replayed; the answer is recorded in a statement of its own
 * right after the creation commits. Only a crash between those two commits leaves the claim in
 * flight (a retry is refused with 409 until the claim goes stale, then creates again): wallets
 * carry an `externalId` for onboarding that must never create twice.
 */
export async function runIdempotentApart(ctx: RuntimeContext, request: IdempotencyRequest, work: () => Promise<Outcome>): Promise<IdempotentOutcome> {
  const claimed = await claim(ctx, request);
  if ('replay' in claimed) return claimed.replay;
  const { held } = claimed;
  return releasing(ctx, request, held, async () => {
    const outcome = await work();
    // The creation has committed: its answer is the client's whatever happens to the record (a
    // record that fails leaves the claim to go stale, see above).
    if (held !== null) await ctx.store.read.completeIdempotencyKey(held.scope, held.key, held.claimedAt, outcome.statusCode, outcome.body).catch(() => false);
    return outcome;
  });
}

/** `runIdempotent` for a unit of the posting pipeline: its answer is recorded in the group's one write. */
export async function runIdempotentPosting(
  ctx: RuntimeContext,
  request: IdempotencyRequest,
  unit: Omit<PostingUnit, 'idempotency'>,
): Promise<IdempotentOutcome> {
  const claimed = await claim(ctx, request);
  if ('replay' in claimed) return claimed.replay;
  const { held } = claimed;
  const refused = request.refused;
  return releasing(ctx, request, held, () => ctx.runtime.committer.post({ ...unit, idempotency: held, ...(refused !== undefined ? { refused } : {}) }));
}

/** Deletes keys past their lifetime (at least 24 hours after their first use). */
export async function cleanIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  return ctx.store.read.deleteExpiredIdempotencyKeys(ctx.clock());
}
