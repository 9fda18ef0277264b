import type { ServiceContext } from '../../services/context.js';
import { runBatch } from '../../services/batches.js';
import type { TypedApp } from '../app.js';
import { replyIdempotent } from '../idempotent.js';
import { presentTransaction } from '../present.js';
import { errorResponses } from '../schemas/common.js';
import { BatchBody, BatchResult } from '../schemas/transaction.js';
import { movementOf, namedWallets } from './transactions.js';

export function batchRoutes(app: TypedApp, context: ServiceContext): void {
  app.post(
    '/v1/batches',
    { schema: { tags: ['transactions'], summary: 'Many movements in one request: atomic (all or nothing) or independent', body: BatchBody, response: { 201: BatchResult, ...errorResponses } } },
    async (request, reply) => {
      const { atomic, items } = request.body;
      const named = items.flatMap(namedWallets);
      return replyIdempotent(context, request, reply, 201, async (tx) => {
        const results = await runBatch(tx, request.actor, items.map((item) => () => movementOf(item)), atomic, context.clock());
        const succeeded = results.filter((result) => result.status === 'posted').length;
        return {
          atomic,
          succeeded,
          failed: results.length - succeeded,
          results: results.map((result) =>
            result.status === 'posted'
              ? { index: result.index, status: result.status, transaction: presentTransaction(result.transaction) }
              : { index: result.index, status: result.status, error: { code: result.error.code, detail: result.error.detail } },
          ),
        };
      }, named);
    },
  );
}
