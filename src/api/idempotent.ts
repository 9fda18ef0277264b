import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../services/context.js';
import { runIdempotent } from '../services/idempotency.js';
import type { StoreTx } from '../store/store.js';

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
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const outcome = await runIdempotent(
    context,
    {
      // Prefixed so that no merchant id (even "_admin") can share the admin keys' scope.
      scope: request.actor.role === 'admin' ? '_admin' : `merchant:${request.actor.merchantId ?? ''}`,
      key,
      fingerprint: [request.method, request.routeOptions.url, request.params, request.body],
      ...(lockHint !== undefined ? { lockHint } : {}),
    },
    async (tx) => ({ statusCode, body: await work(tx) }),
  );
  if (outcome.replayed) void reply.header('Idempotent-Replayed', 'true');
  return reply.code(outcome.statusCode).send(outcome.body);
}
