import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import type { WalletRef } from '../domain/wallet.js';
import type { ReadStore } from '../domain/store-port.js';
import { canSee, notFound } from './access.js';
import { uuidPattern } from './pagination.js';

/**
 * A bounded in-process cache of what never changes about a wallet (currency, parent, owner,
 * category) and of each currency's system accounts. It saves a round trip on the posting path;
 * everything that can change (status, counters, limits) is read under lock instead.
 */
const refsMax = 200_000;
const refs = new Map<string, WalletRef>();
const systemWallets = new Map<string, ReadonlyMap<string, string>>();

/**
 * Loads the references of the wallets not yet cached, in one query (group commit calls it with
 * every wallet its requests name, so planning them costs no further round trip). No access check:
 * `walletRefs` still checks each request's own wallets.
 */
export async function warmWalletRefs(tx: ReadStore, ids: readonly string[]): Promise<void> {
  const missing = [...new Set(ids.filter((id) => uuidPattern.test(id) && !refs.has(id)))];
  if (missing.length === 0) return;
  for (const ref of await tx.walletRefs(missing)) remember(ref);
}

function remember(ref: WalletRef): void {
  if (refs.size >= refsMax) refs.clear();
  refs.set(ref.id, ref);
}

export async function walletRefs(tx: ReadStore, actor: Actor, ids: readonly string[]): Promise<Map<string, WalletRef>> {
  const result = new Map<string, WalletRef>();
  const missing = ids.filter((id) => {
    const cached = refs.get(id);
    if (cached !== undefined) result.set(id, cached);
    return cached === undefined;
  });
  if (missing.length > 0) {
    for (const ref of await tx.walletRefs(missing)) {
      remember(ref);
      result.set(ref.id, ref);
    }
  }
  for (const id of ids) {
    const ref = result.get(id);
    // System accounts are moved only implicitly (topups, withdrawals, fees) or by admins.
    if (ref === undefined || !canSee(actor, ref.merchantId) || (ref.category === 'system' && actor.role !== 'admin')) throw notFound('wallet', id);
  }
  return result;
}

/**
 * The id of a currency's system account of `type`. The built-in four exist from the currency's
 * creation; an operator-added one (`reserve`) may be newer than the cache, which is read again
 * once on a miss. `named` marks a type the client chose: an unknown one is refused with a code.
 */
export async function systemWalletId(tx: ReadStore, currencyId: string, type: string, named = false): Promise<string> {
  let id = systemWallets.get(currencyId)?.get(type);
  if (id === undefined) {
    const ids = await tx.systemWalletIds(currencyId);
    if (ids.size > 0) systemWallets.set(currencyId, ids);
    id = ids.get(type);
  }
  if (id === undefined && named)
    throw new CofferError('system_account_unknown', `The currency has no ${type} system account.`, [{ field: 'systemAccount', message: 'unknown' }]);
  if (id === undefined) throw new Error(`currency ${currencyId} has no ${type} system account`);
  return id;
}

/** The merchant of each wallet (null for system accounts and platform wallets), from the cache or one query; no access check. */
export async function walletOwners(tx: ReadStore, ids: readonly string[]): Promise<Map<string, string | null>> {
  await warmWalletRefs(tx, ids);
  const owners = new Map<string, string | null>();
  for (const id of ids) {
    const ref = refs.get(id) ?? (await tx.walletRefs([id]))[0];
    if (ref !== undefined) owners.set(id, ref.merchantId);
  }
  return owners;
}
