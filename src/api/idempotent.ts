import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import type { TxStore } from '../domain/store-port.js';
import { problemBody, statusOf } from './errors.js';
import type { RuntimeContext } from '../services/runtime.js';
import {
  type IdempotencyRequest,
  type IdempotentOutcome,
  type Outcome,
  runIdempotent,
  runIdempotentApart,
  runIdempotentPosting,
} from '../services/idempotency.js';
import { decryptSecret, encryptSecret, secretKeysOf } from '../services/secrets.js';
import { type MovementPlan, movementUnit, type PostingUnit, type Written } from '../services/set-posting.js';

/** The request's Idempotency-Key, in its merchant's scope, and what makes two requests "the same". */
export function idempotencyOf(request: FastifyRequest): IdempotencyRequest {
  const header = request.headers['idempotency-key'];
  return {
    // Prefixed so that no merchant id (even "_admin") can share the admin keys' scope.
    scope: request.actor.role === 'admin' ? '_admin' : `merchant:${request.actor.merchantId ?? ''}`,
    key: Array.isArray(header) ? header[0] : header,
    fingerprint: [request.method, request.routeOptions.url, request.params ?? {}, request.body ?? null],
    refused: (error: CofferError) => (statusOf[error.code] === 422 ? { statusCode: 422, body: problemBody(error, request) } : null),
  };
}

const problemFields = ['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId', 'errors', 'currencyId', 'currencyCode'] as const;

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
 * Answers a change that moves no money (a quote, a compat status change) through the idempotency
 * protocol, in a database transaction of its own: the same Idempotency-Key with the same request
 * replays the first answer with `Idempotent-Replayed: true`. Money moves through `replyMovement`.
 */
export async function replyIdempotent(
  context: RuntimeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number,
  work: (tx: TxStore) => Promise<unknown>,
): Promise<FastifyReply> {
  return send(reply, await runIdempotent(context, idempotencyOf(request), async (tx) => ({ statusCode, body: await work(tx) })));
}

/** `replyIdempotent` for a unit of the posting pipeline (one movement of any kind, or a batch). */
export async function replyPosting(
  context: RuntimeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  unit: Omit<PostingUnit, 'idempotency'>,
): Promise<FastifyReply> {
  return send(reply, await runIdempotentPosting(context, idempotencyOf(request), unit));
}

/** A request that moves money once: how it is planned, and what it answers. */
export interface MovementReply {
  /** The status of a success (201 for something new, 200 for a resolution). */
  readonly status: number;
  /** The wallets the request names: their references are loaded for the whole group at once. */
  readonly named?: readonly string[];
  /** Plans the movement (reads only) for the request's actor at the request's time. */
  readonly plan: (tx: TxStore, actor: Actor, now: Date) => Promise<MovementPlan>;
  /** The answer's body, from the transaction as written (its entries those the actor may see). */
  readonly present: (written: Written) => unknown;
}

/** Answers a request that moves money once: posted by the pipeline with its neighbours, through the idempotency protocol. */
export async function replyMovement(context: RuntimeContext, request: FastifyRequest, reply: FastifyReply, movement: MovementReply): Promise<FastifyReply> {
  const { actor } = request;
  const now = context.clock();
  const unit = movementUnit(
    actor,
    movement.named ?? [],
    now,
    (tx) => movement.plan(tx, actor, now),
    (written) => ({ statusCode: movement.status, body: movement.present(written) }),
  );
  return replyPosting(context, request, reply, unit);
}

/** The field of a creation's answer that holds a secret shown once (a new API key's `key`, a webhook's `secret`). */
export type SecretField = 'key' | 'secret';

/**
 * Answers a creation (wallet, currency, API key, webhook, card) through the idempotency protocol:
 * the same Idempotency-Key with the same request replays the first answer; with another request
 * it is refused (422 idempotency_key_reused). An answer that carries a secret shown once is
 * recorded with that secret encrypted (COFFER_SECRET_KEY), and its key is scoped to the calling
 * API key, not its merchant: only the caller that created the secret can have it again, within
 * the key's lifetime; another key of the same merchant, or another admin key, with the same
 * Idempotency-Key makes a creation of its own.
 */
export async function replyCreated(
  context: RuntimeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<Outcome>,
  secretField?: SecretField,
): Promise<FastifyReply> {
  const idempotency = idempotencyOf(request);
  if (secretField === undefined) return send(reply, await runIdempotentApart(context, idempotency, work));
  const sealing = secretKeysOf(context.config).idempotentSecrets;
  let shown: unknown;
  const outcome = await runIdempotentApart(context, { ...idempotency, scope: `api_key:${request.actor.apiKeyId}` }, async () => {
    const created = await work();
    shown = created.body;
    return { statusCode: created.statusCode, body: withField(created.body, secretField, (secret) => encryptSecret(sealing, secret)) };
  });
  if (!outcome.replayed || outcome.statusCode >= 400) return send(reply, shown === undefined ? outcome : { ...outcome, body: shown });
  return send(reply, { ...outcome, body: withField(outcome.body, secretField, (sealed) => unseal(sealing, sealed)) });
}

function unseal(sealing: Buffer, sealed: string): string {
  try {
    return decryptSecret(sealing, sealed);
  } catch {
    // Sealed under a master secret since rotated: the recorded answer cannot be given again.
    throw new CofferError(
      'idempotency_key_reused',
      'The answer recorded under this Idempotency-Key holds a secret sealed before COFFER_SECRET_KEY was rotated; create again with a new key.',
    );
  }
}

function withField(body: unknown, field: SecretField, change: (value: string) => string): unknown {
  const record = body as Record<string, unknown>;
  const value = record[field];
  return typeof value === 'string' ? { ...record, [field]: change(value) } : body;
}
