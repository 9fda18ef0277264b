import type { ServiceContext } from '../../services/context.js';
import { type BatchItemResult, runBatch } from '../../services/batches.js';
import { batchUnit } from '../../services/set-posting.js';
import { namedWallets, type SimpleMovement, simpleKinds } from '../../services/transactions.js';
import type { TypedApp } from '../typed-app.js';
import { replyIdempotent, replyPosting } from '../idempotent.js';
import { presentTransaction } from '../present.js';
import { errorResponses } from '../schemas/common.js';
import { BatchBody, BatchResult } from '../schemas/transaction.js';
import { limits } from '../../domain/limits.js';
import { movementOf } from './transactions.js';

export function batchRoutes(app: TypedApp, context: ServiceContext): void {
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
      const parsers = items.map((item) => () => movementOf(item));
      if (items.every((item) => simpleKinds.includes(item.kind))) {
        // Topups, withdrawals, transfers and adjustments only: the set-based posting path.
        const unit = batchUnit(request.actor, parsers as (() => SimpleMovement)[], items.flatMap(namedWallets), atomic, context.clock(), (results) => ({
          statusCode: 201,
          body: answer(results),
        }));
        return replyPosting(context, request, reply, unit);
      }
      return replyIdempotent(
        context,
        request,
        reply,
        201,
        async (tx) => answer(await runBatch(tx, request.actor, parsers, atomic, context.clock())),
        items.flatMap(namedWallets),
      );
    },
  );
}
