import type { Static } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkBankAccount } from '../../domain/counterparty.js';
import { parseAmount } from '../../domain/money.js';
import type { Fee } from '../../domain/transaction.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { countTransactions, getTransaction, listTransactions } from '../../services/ledger-reads.js';
import { planPayout, planPayoutFailure, planPayoutSettlement } from '../../services/payouts.js';
import { type MovementRequest, namedWallets, planMovement } from '../../services/transactions.js';
import type { TypedApp } from '../typed-app.js';
import { emptyBodyAllowed } from '../validation.js';
import { readContext } from '../read-routing.js';
import { replyMovement } from '../idempotent.js';
import { presentTransaction, presentTransactionWithEntries } from '../present.js';
import { errorResponses, IdParams, Page, IdempotencyHeaders } from '../schemas/common.js';
import {
  AdjustmentBody,
  type BatchItem,
  ReversalBody,
  TopupBody,
  Transaction,
  TransactionListQuery,
  TransactionWithEntries,
  PayoutFailBody,
  TransferBody,
  WithdrawalRequestBody,
} from '../schemas/transaction.js';
import { EmptyBody } from '../schemas/hold.js';

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

export function transactionRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['transactions'];
  /** Answers one movement of any kind with the transaction as written (201). */
  const moving = (request: FastifyRequest, reply: FastifyReply, movement: MovementRequest) => {
    return replyMovement(context, request, reply, {
      status: 201,
      named: namedWallets(movement),
      plan: (tx, actor, now) => planMovement(tx, actor, movement, now),
      present: presentTransactionWithEntries,
    });
  };
  const response = { 201: TransactionWithEntries, ...errorResponses };

  const routes = [
    ['/v1/topups', TopupBody, 'topup', 'Top up a wallet from the currency issuing account'],
    ['/v1/transfers', TransferBody, 'transfer', 'Transfer between two wallets of one currency'],
    ['/v1/adjustments', AdjustmentBody, 'adjustment', 'Operator correction between a wallet and a system account (admin)'],
  ] as const;
  for (const [url, body, kind, summary] of routes) {
    app.post(url, { schema: { tags, summary, body, headers: IdempotencyHeaders, response } }, async (request, reply) =>
      moving(request, reply, movementOf({ ...(request.body as object), kind } as Static<typeof BatchItem>)),
    );
  }

  app.post(
    '/v1/withdrawals',
    {
      schema: {
        tags,
        summary: 'Withdraw from a wallet to the currency settlement account, or pay out to a bank account (destination)',
        body: WithdrawalRequestBody,
        headers: IdempotencyHeaders,
        response,
      },
    },
    async (request, reply) => {
      const { destination, ...body } = request.body;
      const movement = movementOf({ ...body, kind: 'withdrawal' });
      if (destination === undefined) return moving(request, reply, movement);
      // A payout: pending, its money held, until the bank connector settles or fails it.
      const payout = { ...(movement as Extract<MovementRequest, { kind: 'withdrawal' }>), destination: checkBankAccount(destination, 'destination') };
      return replyMovement(context, request, reply, {
        status: 201,
        named: [payout.walletId],
        plan: (tx, actor, now) => planPayout(tx, actor, payout, now),
        present: presentTransactionWithEntries,
      });
    },
  );
  const payoutResponse = { 200: TransactionWithEntries, ...errorResponses };
  app.post(
    '/v1/withdrawals/:id/settle',
    {
      preValidation: emptyBodyAllowed,
      schema: { tags, summary: 'The bank sent a payout: post it', params: IdParams, body: EmptyBody, headers: IdempotencyHeaders, response: payoutResponse },
    },
    async (request, reply) => {
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planPayoutSettlement(tx, actor, request.params.id, now),
        present: presentTransactionWithEntries,
      });
    },
  );
  app.post(
    '/v1/withdrawals/:id/fail',
    {
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'The bank could not send a payout: release its money',
        params: IdParams,
        body: PayoutFailBody,
        headers: IdempotencyHeaders,
        response: payoutResponse,
      },
    },
    async (request, reply) => {
      const reason = request.body.reason ?? null;
      return replyMovement(context, request, reply, {
        status: 200,
        plan: (tx, actor, now) => planPayoutFailure(tx, actor, request.params.id, reason, now),
        present: presentTransactionWithEntries,
      });
    },
  );

  app.post(
    '/v1/transactions/:id/reverse',
    { schema: { tags, summary: 'Reverse a posted transaction, fully or partly', params: IdParams, body: ReversalBody, headers: IdempotencyHeaders, response } },
    async (request, reply) => {
      const body = request.body;
      return moving(request, reply, {
        kind: 'reversal',
        transactionId: request.params.id,
        ...(body.amount !== undefined ? { amount: parseAmount(body.amount) } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.reference !== undefined ? { reference: body.reference } : {}),
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
      });
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
