import type { Static } from 'typebox';
import type { Actor } from '../../domain/api-key.js';
import { parseAmount } from '../../domain/money.js';
import type { Fee } from '../../domain/transaction.js';
import type { ServiceContext } from '../../services/context.js';
import { countTransactions, getTransaction, listTransactions } from '../../services/ledger-reads.js';
import { movementUnit } from '../../services/set-posting.js';
import { executeMovement, type MovementRequest, type SimpleMovement } from '../../services/transactions.js';
import type { TypedApp } from '../typed-app.js';
import { readContext } from '../read-routing.js';
import { replyIdempotent, replyPosting } from '../idempotent.js';
import { presentTransaction, presentTransactionWithEntries } from '../present.js';
import { errorResponses, IdParams, Page } from '../schemas/common.js';
import {
  AdjustmentBody,
  type BatchItem,
  ReversalBody,
  TopupBody,
  Transaction,
  TransactionListQuery,
  TransactionWithEntries,
  TransferBody,
  WithdrawalBody,
} from '../schemas/transaction.js';

type FeeBody = { readonly amount: string | number; readonly description?: string | null | undefined };

function feesOf(fees: readonly FeeBody[] | undefined): Fee[] | undefined {
  return fees?.map((fee, index) => ({ amount: parseAmount(fee.amount, `fees.${index}.amount`), description: fee.description ?? null }));
}

/** Turns a validated body (or a batch item) into the service's request: amounts become bigints here, at the edge. */
export function movementOf(item: Static<typeof BatchItem>): MovementRequest {
  const amount = parseAmount(item.amount);
  const common = {
    ...(item.description !== undefined ? { description: item.description } : {}),
    ...(item.reference !== undefined ? { reference: item.reference } : {}),
    ...(item.metadata !== undefined ? { metadata: item.metadata } : {}),
  };
  switch (item.kind) {
    case 'topup':
    case 'withdrawal':
      return { kind: item.kind, walletId: item.walletId, amount, ...common, ...withFees(item.fees) };
    case 'transfer':
      return { kind: 'transfer', fromWalletId: item.fromWalletId, toWalletId: item.toWalletId, amount, ...common, ...withFees(item.fees) };
    case 'adjustment':
      return {
        kind: 'adjustment',
        walletId: item.walletId,
        amount,
        direction: item.direction,
        reason: item.reason,
        ...(item.systemAccount !== undefined ? { systemAccount: item.systemAccount } : {}),
        ...common,
      };
    case 'exchange':
      return {
        kind: 'exchange',
        fromWalletId: item.fromWalletId,
        toWalletId: item.toWalletId,
        amount,
        ...(item.quoteId !== undefined ? { quoteId: item.quoteId } : {}),
        ...common,
        ...withFees(item.fees),
      };
  }
}

function withFees(fees: readonly FeeBody[] | undefined): { fees?: Fee[] } {
  const parsed = feesOf(fees);
  return parsed !== undefined ? { fees: parsed } : {};
}

export function transactionRoutes(app: TypedApp, context: ServiceContext): void {
  const tags = ['transactions'];
  const moving = (actor: Actor, request: MovementRequest) => (tx: Parameters<Parameters<typeof replyIdempotent>[4]>[0]) =>
    executeMovement(tx, actor, request, context.clock()).then(presentTransactionWithEntries);
  const response = { 201: TransactionWithEntries, ...errorResponses };
  const headers = {
    type: 'object',
    properties: {
      'idempotency-key': { type: 'string', description: 'Makes the request safe to retry: the first answer is replayed. 1 to 255 printable ASCII characters.' },
    },
  } as const;

  const routes = [
    ['/v1/topups', TopupBody, 'topup', 'Top up a wallet from the currency issuing account'],
    ['/v1/withdrawals', WithdrawalBody, 'withdrawal', 'Withdraw from a wallet to the currency settlement account'],
    ['/v1/transfers', TransferBody, 'transfer', 'Transfer between two wallets of one currency'],
    ['/v1/adjustments', AdjustmentBody, 'adjustment', 'Operator correction between a wallet and a system account (admin)'],
  ] as const;
  for (const [url, body, kind, summary] of routes) {
    app.post(url, { schema: { tags, summary, body, headers, response } }, async (request, reply) => {
      const movement = movementOf({ ...(request.body as object), kind } as Static<typeof BatchItem>) as SimpleMovement;
      return replyPosting(
        context,
        request,
        reply,
        movementUnit(request.actor, movement, context.clock(), (written) => ({ statusCode: 201, body: presentTransactionWithEntries(written) })),
      );
    });
  }

  app.post(
    '/v1/transactions/:id/reverse',
    { schema: { tags, summary: 'Reverse a posted transaction, fully or partly', params: IdParams, body: ReversalBody, headers, response } },
    async (request, reply) => {
      const body = request.body;
      const reversal: MovementRequest = {
        kind: 'reversal',
        transactionId: request.params.id,
        ...(body.amount !== undefined ? { amount: parseAmount(body.amount) } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.reference !== undefined ? { reference: body.reference } : {}),
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
      };
      return replyIdempotent(context, request, reply, 201, moving(request.actor, reversal));
    },
  );

  app.get(
    '/v1/transactions',
    {
      schema: { tags, summary: 'List transactions, newest first', querystring: TransactionListQuery, response: { 200: Page(Transaction), ...errorResponses } },
    },
    async (request) => {
      const { include, ...query } = request.query;
      const reading = await readContext(context, request);
      const page = await listTransactions(reading, request.actor, query);
      const total = include === 'total' ? { total: await countTransactions(reading, request.actor, query) } : {};
      return { data: page.data.map(presentTransaction), nextCursor: page.nextCursor, ...total };
    },
  );

  app.get(
    '/v1/transactions/:id',
    { schema: { tags, summary: 'A transaction with its entries', params: IdParams, response: { 200: TransactionWithEntries, ...errorResponses } } },
    async (request) => {
      return presentTransactionWithEntries(await getTransaction(context, request.actor, request.params.id));
    },
  );
}
