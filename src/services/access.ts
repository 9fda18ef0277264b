import type { Actor, ApiKeyScope } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';

/** A merchant key sees only its merchant's objects; anything else is reported as not found. */
export function canSee(actor: Actor, merchantId: string | null): boolean {
  return actor.role === 'admin' || (actor.merchantId !== null && actor.merchantId === merchantId);
}

export function notFound(what: string, id: string): CofferError {
  return new CofferError('not_found', `No ${what} with id ${id}.`);
}

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new CofferError('forbidden', 'This operation needs an admin API key.');
}

/** The merchant a new object belongs to: a merchant key's own, whatever the body says. */
export function owningMerchant(actor: Actor, requested: string | null | undefined): string | null {
  return actor.role === 'merchant' ? actor.merchantId : (requested ?? null);
}

/**
 * Refuses an actor whose key lacks `scope`. GET/HEAD (`read`) and other methods (`write`) are
 * checked at the edge for every route; services check `issue` where money or credit is created.
 */
export function requireScope(actor: Actor, scope: ApiKeyScope): void {
  if (!actor.scopes.includes(scope)) {
    throw new CofferError(
      'forbidden',
      scope === 'issue'
        ? 'Creating money or credit (top-ups, adjustments, pending credits from issuing, credit limits) needs an API key with the issue scope.'
        : `This API key lacks the ${scope} scope.`,
    );
  }
}

/**
 * The merchant a movement belongs to. A merchant key's movements are its own (it can name only
 * its own wallets). An admin's movement belongs to the one owner of every client wallet it names;
 * when they have different owners (two merchants, or a merchant and the platform) it belongs to
 * no merchant (null): only an admin may then reverse, capture, void, settle or fail it.
 */
export function movementOwner(actor: Actor, named: Iterable<{ readonly merchantId: string | null; readonly category: string }>): string | null {
  if (actor.role === 'merchant') return actor.merchantId;
  const owners = new Set<string | null>();
  for (const ref of named) if (ref.category !== 'system') owners.add(ref.merchantId);
  return owners.size === 1 ? ([...owners][0] as string | null) : null;
}

/** Whether a merchant key sees a movement: it owns it, or one of its wallets is a side of it (`sideOwners`: the merchants of its two sides). */
export function seesMovement(actor: Actor, merchantId: string | null, sideOwners: readonly (string | null | undefined)[]): boolean {
  return canSee(actor, merchantId) || (actor.merchantId !== null && sideOwners.includes(actor.merchantId));
}

/**
 * A merchant key may act on (reverse, capture, void, settle, fail) only a movement it owns:
 * one it only sees (a movement between merchants that touches its wallet) answers 403, one it
 * cannot see 404.
 */
export function requireMovementOwner(
  actor: Actor,
  merchantId: string | null,
  sideOwners: readonly (string | null | undefined)[],
  what: string,
  id: string,
): void {
  if (canSee(actor, merchantId)) return;
  if (seesMovement(actor, merchantId, sideOwners)) {
    throw new CofferError('forbidden', `This ${what} moves money of more than one merchant: only an admin API key may change it.`);
  }
  throw notFound(what, id);
}

/** What a merchant key sees of a transaction's entries: its own wallets' only (never another wallet's `balanceAfter`, nor a system account's). */
export function visibleEntries<T extends { readonly entries: readonly { readonly walletId: string }[] }>(
  actor: Actor,
  transaction: T,
  ownerOf: (walletId: string) => string | null | undefined,
): T {
  if (actor.role === 'admin') return transaction;
  return { ...transaction, entries: transaction.entries.filter((entry) => actor.merchantId !== null && ownerOf(entry.walletId) === actor.merchantId) };
}
