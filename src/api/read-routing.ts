import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RuntimeContext } from '../services/runtime.js';
import { lsnPattern } from '../store/store.js';

/** The header a write answers with: the primary's WAL position once the write has committed. */
export const consistencyTokenHeader = 'Coffer-Consistency-Token';
/** The header a read sends to see at least everything up to a token. */
export const readAfterHeader = 'coffer-read-after';
/** Which database served a read that could go to the replica: `replica` or `primary`. */
export const readFromHeader = 'Coffer-Read-From';

const servedBy = new WeakMap<FastifyRequest, 'replica' | 'primary'>();
const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * With a read replica (DATABASE_READ_URL), every successful write under /v1 answers with
 * `Coffer-Consistency-Token`: the primary's WAL position after the write committed (so at or after
 * its commit record). Without a replica no token is sent: every read sees every answered write.
 */
export function registerConsistencyTokens(app: FastifyInstance, context: RuntimeContext): void {
  const replica = context.store.replica;
  if (replica === undefined) return;
  app.addHook('onSend', async (request, reply, payload) => {
    if (!writeMethods.has(request.method) || !(request.routeOptions.url ?? '').startsWith('/v1/') || reply.statusCode >= 300) return payload;
    const token = await replica.commitPosition().catch(() => null);
    if (token !== null) void reply.header(consistencyTokenHeader, token);
    return payload;
  });
}

/**
 * The context a replica-capable read (statements, lists, reports, the event feed) runs with: the
 * replica's, unless the request carries `Coffer-Read-After: <token>` and the replica has not yet
 * replayed that far (`pg_last_wal_replay_lsn() >= token`), or the replica cannot be asked: then
 * the primary's. So a client that passes on the token of its last write always reads that write.
 * `primaryWithToken`: reads that must be on the primary whenever a token is sent (the event feed,
 * whose positions are given after the write's own commit).
 */
export async function readContext(context: RuntimeContext, request: FastifyRequest, primaryWithToken = false): Promise<RuntimeContext> {
  const replica = context.store.replica;
  if (replica === undefined) return context;
  const header = request.headers[readAfterHeader];
  const token = Array.isArray(header) ? header[0] : header;
  let useReplica = true;
  if (token !== undefined && token !== '') {
    useReplica = !primaryWithToken && lsnPattern.test(token) && (await replica.caughtUp(token).catch(() => false));
  }
  servedBy.set(request, useReplica ? 'replica' : 'primary');
  return useReplica ? { ...context, store: { ...context.store, read: replica.read } } : context;
}

/** Names the database that served the read (after `readContext`), so clients and tests can see it. */
export function registerReadFrom(app: FastifyInstance, context: RuntimeContext): void {
  if (context.store.replica === undefined) return;
  app.addHook('onSend', async (request, reply, payload) => {
    const from = servedBy.get(request);
    if (from !== undefined) void reply.header(readFromHeader, from);
    return payload;
  });
}
