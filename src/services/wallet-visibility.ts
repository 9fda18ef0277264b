import type { Actor } from '../domain/api-key.js';
import type { Wallet } from '../domain/wallet.js';
import { canSee, notFound } from './access.js';
import type { ServiceContext } from './context.js';

/** Loads a wallet the actor may see, or answers not_found (another merchant's wallet is not revealed). */
export async function visibleWallet(ctx: ServiceContext, actor: Actor, id: string): Promise<Wallet> {
  const wallet = await ctx.store.read.getWallet(id);
  if (wallet === null || !canSee(actor, wallet.merchantId)) throw notFound('wallet', id);
  return wallet;
}
