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
    throw new CofferError('forbidden', scope === 'issue' ? 'Creating money or credit (top-ups, adjustments, pending credits from issuing, credit limits) needs an API key with the issue scope.' : `This API key lacks the ${scope} scope.`);
  }
}
