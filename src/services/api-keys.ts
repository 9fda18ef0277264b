import { createHash, randomBytes } from 'node:crypto';
import type { Actor, ApiKey, ApiKeyRole, ApiKeyScope } from '../domain/api-key.js';
import { isUniqueViolation } from '../store/database.js';
import { CofferError } from '../domain/errors.js';
import type { TxStore } from '../domain/store-port.js';
import type { Store } from '../store/store.js';
import { notFound, requireAdmin } from './access.js';
import { changesOf, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';

/** Keys look like `coffer_sk_` + 43 base64url characters (256 random bits): recognisable in a leak scan. */
export const apiKeyPrefix = 'coffer_sk_';

/** Keys have 256 bits of entropy, so one fast hash is enough: no password-style stretching needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return apiKeyPrefix + randomBytes(32).toString('base64url');
}

export interface ApiKeyInput {
  readonly name?: string | null;
  readonly role: ApiKeyRole;
  readonly merchantId?: string | null;
  readonly scopes?: readonly ApiKeyScope[];
  /** Requests per minute (per process); absent or null: no limit. */
  readonly rateLimitPerMinute?: number | null;
}

export interface ApiKeyPatch {
  readonly name?: string | null;
  readonly scopes?: readonly ApiKeyScope[];
  readonly rateLimitPerMinute?: number | null;
}

/** Admin keys get every scope unless narrowed; merchant keys `read` and `write` (`issue` is granted explicitly). */
function defaultScopes(role: ApiKeyRole): readonly ApiKeyScope[] {
  return role === 'admin' ? ['read', 'write', 'issue'] : ['read', 'write'];
}

/** What a list may show of a key: `coffer_sk_` and 4 more characters; of any other key (an operator's own COFFER_ADMIN_KEY), 4 characters. */
function keyHint(key: string): { prefix: string; last4: string } {
  return key.startsWith(apiKeyPrefix) && key.length >= apiKeyPrefix.length + 32
    ? { prefix: key.slice(0, apiKeyPrefix.length + 4), last4: key.slice(-4) }
    : { prefix: key.slice(0, 4), last4: '' };
}

const auditedApiKeyFields = ['name', 'role', 'merchantId', 'scopes', 'rateLimitPerMinute', 'prefix', 'last4', 'revokedAt'] as const;

/** The audit record of a key change: its hint and scopes, never the key. */
function apiKeyAudit(action: string, before: ApiKey | null, after: ApiKey) {
  return { action, subjectType: 'api_key', subjectId: after.id, merchantId: after.merchantId, changes: changesOf(before, after, auditedApiKeyFields) };
}

async function insertKey(store: Pick<TxStore, 'insertApiKey'>, key: string, input: ApiKeyInput, now: Date, fromEnv = false): Promise<ApiKey> {
  if (input.role === 'merchant' && (input.merchantId === undefined || input.merchantId === null)) {
    throw new CofferError('validation_failed', 'A merchant key needs a merchantId.', [{ field: 'merchantId', message: 'required for role merchant' }]);
  }
  const apiKey: ApiKey = {
    id: newId(now.getTime()),
    name: input.name ?? null,
    ...keyHint(key),
    role: input.role,
    merchantId: input.role === 'merchant' ? (input.merchantId ?? null) : null,
    scopes: [...new Set<ApiKeyScope>(input.scopes ?? defaultScopes(input.role))],
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    createdAt: now,
    revokedAt: null,
  };
  await store.insertApiKey(apiKey, hashApiKey(key), fromEnv);
  return apiKey;
}

/** Creates a key and returns it with its secret, which is shown this once and never stored. */
export async function createApiKey(ctx: ServiceContext, actor: Actor, input: ApiKeyInput): Promise<{ apiKey: ApiKey; key: string }> {
  requireAdmin(actor);
  const key = generateApiKey();
  const now = ctx.clock();
  const apiKey = await ctx.store.transaction(async (tx) => {
    const inserted = await insertKey(tx, key, input, now);
    await recordAudit(tx, actor, apiKeyAudit('api_key.created', null, inserted), now);
    return inserted;
  });
  return { apiKey, key };
}

export async function listApiKeys(ctx: ServiceContext, actor: Actor, cursor?: string, limit?: number): Promise<Page<ApiKey>> {
  requireAdmin(actor);
  const size = pageSize(limit);
  const rows = await ctx.store.read.listApiKeys(decodeCursor(cursor, uuidPattern) ?? null, size + 1);
  return toPage(rows, size, (key) => key.id);
}

export async function revokeApiKey(ctx: ServiceContext, actor: Actor, id: string): Promise<ApiKey> {
  requireAdmin(actor);
  forgetActors(ctx.store);
  return ctx.store
    .transaction(async (tx) => {
      const now = ctx.clock();
      await tx.lockRow('api_keys', id);
      const before = await tx.getApiKey(id);
      const revoked = await tx.revokeApiKey(id, now);
      if (before === null || revoked === null) throw notFound('API key', id);
      if (before.revokedAt === null) await recordAudit(tx, actor, apiKeyAudit('api_key.revoked', before, revoked), now);
      return revoked;
    })
    .finally(() => forgetActors(ctx.store));
}

/** Changes a key's name, scopes or rate limit (admin); takes effect at once in this process, within the key cache time in others. */
export async function patchApiKey(ctx: ServiceContext, actor: Actor, id: string, patch: ApiKeyPatch): Promise<ApiKey> {
  requireAdmin(actor);
  forgetActors(ctx.store);
  return ctx.store
    .transaction(async (tx) => {
      const now = ctx.clock();
      await tx.lockRow('api_keys', id);
      const before = await tx.getApiKey(id);
      if (before === null) throw notFound('API key', id);
      const updated = await tx.updateApiKey(id, { ...patch, ...(patch.scopes !== undefined ? { scopes: [...new Set(patch.scopes)] } : {}) });
      if (updated === null) throw notFound('API key', id);
      await recordAudit(tx, actor, apiKeyAudit('api_key.updated', before, updated), now);
      return updated;
    })
    .finally(() => forgetActors(ctx.store));
}

/**
 * Makes sure an admin key exists. With `configuredKey` (COFFER_ADMIN_KEY) that key is admitted;
 * otherwise, when no admin key exists yet, one is generated and returned so the caller can print
 * it once. Returns null when nothing new was created.
 */
export async function bootstrapAdminKey(store: Store, configuredKey: string | undefined, now: Date): Promise<string | null> {
  if (configuredKey !== undefined) {
    let existing = await store.read.findApiKeyByHash(hashApiKey(configuredKey));
    if (existing === null) {
      // Several processes starting together with the same key: one inserts it, the others find it taken.
      existing = await insertKey(store.read, configuredKey, { name: 'COFFER_ADMIN_KEY', role: 'admin' }, now, true).catch(async (error: unknown) => {
        if (!isUniqueViolation(error, 'api_keys_key_hash_key')) throw error;
        return store.read.findApiKeyByHash(hashApiKey(configuredKey));
      });
    }
    if (existing === null) throw new Error('COFFER_ADMIN_KEY could not be admitted.');
    if (existing.revokedAt !== null) throw new Error('COFFER_ADMIN_KEY names a key that was revoked: choose a new value.');
    // A new value replaces the key the previous value created.
    if ((await store.read.revokeEnvAdminKeysExcept(existing.id, now)) > 0) forgetActors(store);
    return null;
  }
  if ((await store.read.countActiveAdminKeys()) > 0) return null;
  const key = generateApiKey();
  await insertKey(store.read, key, { name: 'bootstrap admin', role: 'admin' }, now);
  return key;
}

interface CachedActor {
  readonly actor: Omit<Actor, 'requestId'>;
  readonly until: number;
}

const actorCaches = new WeakMap<Store, { entries: Map<string, CachedActor>; generation: number }>();
const actorCacheMax = 10_000;

/**
 * Resolves a presented key to the actor it stands for, or fails with `unauthorized`. A key found
 * valid is remembered for `cacheMs` (COFFER_API_KEY_CACHE_MS), which saves a query per request:
 * a revocation takes effect at once in the process that revoked it and within `cacheMs` in others.
 * Unknown and revoked keys are never remembered.
 */
export async function authenticate(store: Store, presented: string, cacheMs = 0): Promise<Omit<Actor, 'requestId'>> {
  if (presented.length === 0 || presented.length > 200) throw unauthorized();
  const hash = hashApiKey(presented);
  let cache = actorCaches.get(store);
  if (cache === undefined) {
    cache = { entries: new Map(), generation: 0 };
    actorCaches.set(store, cache);
  }
  const cached = cache.entries.get(hash);
  if (cached !== undefined && cached.until > Date.now()) return cached.actor;
  const generation = cache.generation;
  const apiKey = await store.read.findApiKeyByHash(hash);
  if (apiKey === null || apiKey.revokedAt !== null) throw unauthorized();
  const actor = { apiKeyId: apiKey.id, role: apiKey.role, merchantId: apiKey.merchantId, scopes: apiKey.scopes, rateLimitPerMinute: apiKey.rateLimitPerMinute };
  // Not if a revocation happened meanwhile: the key read may predate it.
  if (cacheMs > 0 && cache.generation === generation) {
    if (cache.entries.size >= actorCacheMax) cache.entries.clear();
    cache.entries.set(hash, { actor, until: Date.now() + cacheMs });
  }
  return actor;
}

/** Forgets every remembered key of a store (a revocation is starting or has committed; or, from api-key-invalidation.ts, one was announced). */
export function forgetActors(store: Store): void {
  const cache = actorCaches.get(store);
  if (cache === undefined) return;
  cache.entries.clear();
  cache.generation++;
}

function unauthorized(): CofferError {
  return new CofferError('unauthorized', 'The API key is missing, unknown or revoked. Send it as "Authorization: Bearer <key>".');
}
