import type { Store } from '../store/store.js';
import { forgetActors } from './api-keys.js';

/** The channel migration 011 announces every change of an API key on (its id as the payload). */
export const apiKeyChannel = 'coffer_api_keys';

/**
 * Keeps the API-key cache of this process honest across processes: on PostgreSQL, a connection of
 * its own LISTENs on `coffer_api_keys` (a trigger NOTIFYs there when a key is revoked, changed or
 * deleted, by any process) and forgets the cached keys at once; while that connection is down
 * (a failover), the cache lifetime (COFFER_API_KEY_CACHE_MS) still bounds how long a revoked key
 * works, and the cache is cleared again when it is back. PGlite serves one process, where a
 * revocation already clears the cache directly: nothing to listen to.
 */
export async function listenForApiKeyChanges(store: Store): Promise<{ stop(): Promise<void> }> {
  if (store.database.listen === undefined) return { stop: async () => undefined };
  const forget = () => forgetActors(store);
  const stop = await store.database.listen(apiKeyChannel, forget, forget);
  return { stop };
}
