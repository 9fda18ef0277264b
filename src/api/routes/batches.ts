import type { RuntimeContext } from '../../services/runtime.js';
import type { BatchItemResult } from '../../services/batches.js';
import { batchUnit } from '../../services/set-posting.js';
import { namedWallets, planMovement } from '../../services/transactions.js';
import type { TypedApp } from '../typed-app.js';
import { replyPosting } from '../idempotent.js';
import { presentTransaction } from '../present.js';
import { errorResponses } from '../schemas/common.js';
import { BatchBody, BatchResult } from '../schemas/transaction.js';
import { limits } from '../../domain/limits.js';
import { movementOf } from './transactions.js';

export function batchRoutes(app: TypedApp, context: RuntimeContext): void {
  app.post(
    '/v1/batches',
    {
      // The one route that takes more than the default 1 MiB: up to 5,000 items.
      bodyLimit: Math.max(limits.batchBodyBytesMax, context.config.bodyBytesMax),
      schema: {
        tags: ['transactions'],
        summary: 'Many movements in one request: atomic (all or nothing) or independent',
        body: BatchBody,
        response: { 201: BatchResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { atomic, items } = request.body;
      const answer = (results: readonly BatchItemResult[]) => {
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
      };
      const now = context.clock();
      // Any kinds, mixed: each item planned on its own (a parse error refuses that item), all posted together.
      const plans = items.map((item) => (tx: Parameters<typeof planMovement>[0]) => planMovement(tx, request.actor, movementOf(item), now));
      const unit = batchUnit(request.actor, plans, items.flatMap(namedWallets), atomic, now, (results) => ({ statusCode: 201, body: answer(results) }));
      return replyPosting(context, request, reply, unit);
    },
  );
}
