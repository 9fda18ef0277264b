import type { ApiKey, ApiKeyRole, ApiKeyScope } from '../domain/api-key.js';
import type { Queryable, Row } from './database.js';
import { date, dateOrNull, text, textOrNull } from './rows.js';

function toApiKey(row: Row): ApiKey {
  return {
    id: text(row.id),
    name: textOrNull(row.name),
    prefix: text(row.prefix),
    last4: text(row.last4),
    role: text(row.role) as ApiKeyRole,
    merchantId: textOrNull(row.merchant_id),
    scopes: (row.scopes as string[]).map((scope) => scope as ApiKeyScope),
    rateLimitPerMinute: row.rate_limit_per_minute === null || row.rate_limit_per_minute === undefined ? null : Number(row.rate_limit_per_minute),
    createdAt: date(row.created_at),
    revokedAt: dateOrNull(row.revoked_at),
  };
}

export function apiKeyQueries(db: Queryable) {
  return {
    async insertApiKey(key: ApiKey, keyHash: string, fromEnv = false): Promise<void> {
      await db.query(
        `insert into api_keys (id, name, prefix, last4, key_hash, role, merchant_id, scopes, created_at, rate_limit_per_minute, from_env)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [key.id, key.name, key.prefix, key.last4, keyHash, key.role, key.merchantId, key.scopes, key.createdAt, key.rateLimitPerMinute, fromEnv],
      );
    },

    /** Changes a key's name, scopes or rate limit (fields absent stay as they are). */
    async updateApiKey(
      id: string,
      patch: { readonly name?: string | null; readonly scopes?: readonly ApiKeyScope[]; readonly rateLimitPerMinute?: number | null },
    ): Promise<ApiKey | null> {
      const rows = await db.query(
        `update api_keys set
           name = case when $2 then $3 else name end,
           scopes = coalesce($4::text[], scopes),
           rate_limit_per_minute = case when $5 then $6::integer else rate_limit_per_minute end
         where id = $1 returning *`,
        [id, patch.name !== undefined, patch.name ?? null, patch.scopes ?? null, patch.rateLimitPerMinute !== undefined, patch.rateLimitPerMinute ?? null],
      );
      return rows[0] === undefined ? null : toApiKey(rows[0]);
    },

    /** Revokes the keys an earlier COFFER_ADMIN_KEY created, all but `keepId`; returns how many. */
    async revokeEnvAdminKeysExcept(keepId: string, now: Date): Promise<number> {
      const rows = await db.query('update api_keys set revoked_at = $2 where from_env and revoked_at is null and id <> $1 returning id', [keepId, now]);
      return rows.length;
    },

    async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
      const rows = await db.query('select * from api_keys where key_hash = $1', [keyHash]);
      return rows[0] === undefined ? null : toApiKey(rows[0]);
    },

    async getApiKey(id: string): Promise<ApiKey | null> {
      const rows = await db.query('select * from api_keys where id = $1', [id]);
      return rows[0] === undefined ? null : toApiKey(rows[0]);
    },

    async listApiKeys(afterId: string | null, limit: number): Promise<ApiKey[]> {
      const rows = await db.query('select * from api_keys where ($1::uuid is null or id > $1) order by id limit $2', [afterId, limit]);
      return rows.map(toApiKey);
    },

    async revokeApiKey(id: string, now: Date): Promise<ApiKey | null> {
      const rows = await db.query('update api_keys set revoked_at = coalesce(revoked_at, $2) where id = $1 returning *', [id, now]);
      return rows[0] === undefined ? null : toApiKey(rows[0]);
    },

    async countActiveAdminKeys(): Promise<number> {
      const rows = await db.query(`select count(*)::int as n from api_keys where role = 'admin' and revoked_at is null`);
      return Number((rows[0] as Row).n);
    },
  };
}
