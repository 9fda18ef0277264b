import type { ServiceContext } from '../../services/context.js';
import { balanceParents } from '../../services/virtual-wallets.js';
import { changeWalletStatus } from '../../services/wallet-status.js';
import type { TypedApp } from '../typed-app.js';
import { presentWallet } from '../present.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { Wallet } from '../schemas/wallet.js';
import { WalletStatusChange } from '../schemas/wallet-status.js';

/** A wallet's lifecycle: its status; its bank identifiers and cards live in their own routes. */
export function walletLifecycleRoutes(app: TypedApp, context: ServiceContext): void {
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
}
