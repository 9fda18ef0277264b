import type { Wallet } from '../domain/wallet.js';
import type { ServiceContext } from './context.js';

/**
 * The parents of the virtual wallets among `wallets`, by id: a virtual wallet has no balance
 * of its own, its postings move its parent's counters, so it shows its parent's balance.
 */
export async function balanceParents(ctx: ServiceContext, wallets: readonly Wallet[]): Promise<ReadonlyMap<string, Wallet>> {
  const ids = wallets.map((wallet) => wallet.parentWalletId).filter((id): id is string => id !== null);
  const parents = await ctx.store.read.getWalletsByIds(ids);
  return new Map(parents.map((parent) => [parent.id, parent]));
}
