import type { RuntimeContext } from '../../services/runtime.js';
import { balanceParents } from '../../services/virtual-wallets.js';
import { changeWalletStatus, statusHistory } from '../../services/wallet-status.js';
import type { TypedApp } from '../typed-app.js';
import { presentWallet } from '../present.js';
import { Type } from 'typebox';
import { errorResponses, IdParams, Nullable, Page, PageQuery, Timestamp } from '../schemas/common.js';
import { Wallet } from '../schemas/wallet.js';
import { WalletStatusChange, WalletTerminate } from '../schemas/wallet-status.js';

const StatusHistoryItem = Type.Object({
  id: Type.String(),
  walletId: Type.String(),
  status: Type.String({ description: 'The status after the change.' }),
  previousStatus: Type.String(),
  reason: Nullable(Type.String()),
  description: Nullable(Type.String()),
  changedBy: Nullable(Type.String({ description: 'The id of the API key that made the change.' })),
  changedAt: Timestamp,
});

/** A wallet's lifecycle: its status; its bank identifiers and cards live in their own routes. */
export function walletLifecycleRoutes(app: TypedApp, context: RuntimeContext): void {
  app.post(
    '/v1/wallets/:id/status',
    {
      schema: {
        tags: ['wallets'],
        summary: 'Block, unblock or close a wallet (closing is final)',
        params: IdParams,
        body: WalletStatusChange,
        response: { 200: Wallet, ...errorResponses },
      },
    },
    async (request) => {
      const wallet = await changeWalletStatus(context, request.actor, request.params.id, request.body);
      return presentWallet(wallet, (await balanceParents(context, [wallet])).get(wallet.parentWalletId ?? ''));
    },
  );

  app.delete(
    '/v1/wallets/:id',
    {
      schema: {
        tags: ['wallets'],
        summary: 'Terminate (close) a wallet',
        description:
          "Closes the wallet for good, as Paynetics' account_terminate: it must be empty with no open holds; its cards are destroyed and its bank identifiers deactivated. Optional `reason` and `description` query parameters are recorded with the change.",
        params: IdParams,
        querystring: WalletTerminate,
        response: { 200: Wallet, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.query;
      const wallet = await changeWalletStatus(context, request.actor, request.params.id, {
        status: 'closed',
        reason: body.reason ?? null,
        description: body.description ?? null,
      });
      return presentWallet(wallet, (await balanceParents(context, [wallet])).get(wallet.parentWalletId ?? ''));
    },
  );

  app.get(
    '/v1/wallets/:id/status-history',
    {
      schema: {
        tags: ['wallets'],
        summary: "A wallet's status changes, newest first",
        description:
          'Every block, reactivation and closing with its reason, description, time and the API key that made it; a reactivation keeps the earlier deactivations readable.',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(StatusHistoryItem), ...errorResponses },
      },
    },
    async (request) => {
      const page = await statusHistory(context, request.actor, request.params.id, request.query.cursor, request.query.limit);
      return { data: page.data.map((entry) => ({ ...entry, changedAt: entry.changedAt.toISOString() })), nextCursor: page.nextCursor };
    },
  );
}
