import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CofferError } from '../domain/errors.js';
import { problemBody, statusOf } from './errors.js';
import type { ServiceContext } from '../services/context.js';
import { type IdempotencyRequest, type IdempotentOutcome, runIdempotent, runIdempotentPosting } from '../services/idempotency.js';
import type { PostingUnit } from '../services/set-posting.js';
import type { StoreTx } from '../store/store.js';

/** The request's Idempotency-Key, in its merchant's scope, and what makes two requests "the same". */
export function idempotencyOf(request: FastifyRequest, lockHint?: readonly string[]): IdempotencyRequest {
  const header = request.headers['idempotency-key'];
  return {
    // Prefixed so that no merchant id (even "_admin") can share the admin keys' scope.
    scope: request.actor.role === 'admin' ? '_admin' : `merchant:${request.actor.merchantId ?? ''}`,
    key: Array.isArray(header) ? header[0] : header,
    fingerprint: [request.method, request.routeOptions.url, request.params ?? {}, request.body ?? null],
    ...(lockHint !== undefined ? { lockHint } : {}),
    refused: (error: CofferError) => (statusOf[error.code] === 422 ? { statusCode: 422, body: problemBody(error, request) } : null),
  };
}

const problemFields = ['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId', 'errors'] as const;

/** A problem document in its fields' fixed order (a recorded one comes back from jsonb in another). */
function problemJson(body: unknown): string {
  const problem = body as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const field of problemFields) if (problem[field] !== undefined) ordered[field] = problem[field];
  return JSON.stringify(ordered);
}

function send(reply: FastifyReply, outcome: IdempotentOutcome): FastifyReply {
  if (outcome.replayed) void reply.header('Idempotent-Replayed', 'true');
  // A recorded refusal is a problem document, first time and replayed alike.
  if (outcome.statusCode >= 400) return reply.code(outcome.statusCode).type('application/problem+json').send(problemJson(outcome.body));
  return reply.code(outcome.statusCode).send(outcome.body);
}

/**
 * Answers a money-moving request through the idempotency protocol: the same Idempotency-Key
 * with the same request replays the first answer with `Idempotent-Replayed: true`.
 */
export async function replyIdempotent(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number,
  work: (tx: StoreTx) => Promise<unknown>,
  lockHint?: readonly string[],
): Promise<FastifyReply> {
  return send(reply, await runIdempotent(context, idempotencyOf(request, lockHint), async (tx) => ({ statusCode, body: await work(tx) })));
}

/** `replyIdempotent` for simple movements and batches of them: the set-based posting path. */
export async function replyPosting(
  context: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  unit: Omit<PostingUnit, 'idempotency'>,
): Promise<FastifyReply> {
  return send(reply, await runIdempotentPosting(context, idempotencyOf(request), unit));
}
