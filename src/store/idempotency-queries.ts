import type { Queryable, Row } from './database.js';
import { date, json, text } from './rows.js';

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'in_flight'; readonly requestHash: string }
  | { readonly state: 'done'; readonly requestHash: string; readonly statusCode: number; readonly response: unknown };

export function idempotencyQueries(db: Queryable) {
  return {
    /**
     * Claims a key for a request, or reports who holds it. A claim left behind by a process
     * that died (older than `staleBefore`) is taken over, so a key is never stuck.
     */
    async claimIdempotencyKey(scope: string, key: string, requestHash: string, now: Date, expiresAt: Date, staleBefore: Date): Promise<IdempotencyClaim> {
      const claimed = await db.query(
        `insert into idempotency_keys (scope, key, request_hash, state, created_at, expires_at)
         values ($1, $2, $3, 'in_flight', $4, $5)
         on conflict (scope, key) do update set request_hash = excluded.request_hash, created_at = excluded.created_at, expires_at = excluded.expires_at
           where idempotency_keys.state = 'in_flight' and idempotency_keys.created_at < $6
         returning key`,
        [scope, key, requestHash, now, expiresAt, staleBefore],
      );
      if (claimed.length > 0) return { state: 'claimed' };
      const rows = await db.query('select * from idempotency_keys where scope = $1 and key = $2', [scope, key]);
      const row = rows[0] as Row | undefined;
      // The holder finished and the row expired between our two statements: try once more.
      if (row === undefined) return { state: 'in_flight', requestHash };
      if (text(row.state) === 'in_flight') return { state: 'in_flight', requestHash: text(row.request_hash) };
      return { state: 'done', requestHash: text(row.request_hash), statusCode: Number(row.status_code), response: json(row.response) };
    },

    /** Records the outcome; runs in the same database transaction as the change it describes. */
    async completeIdempotencyKey(scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
      await db.query(`update idempotency_keys set state = 'done', status_code = $3, response = $4 where scope = $1 and key = $2`, [
        scope, key, statusCode, JSON.stringify(response),
      ]);
    },

    /** Gives a key back after an unexpected failure, so the client can retry with it. */
    async releaseIdempotencyKey(scope: string, key: string): Promise<void> {
      await db.query(`delete from idempotency_keys where scope = $1 and key = $2 and state = 'in_flight'`, [scope, key]);
    },

    async deleteExpiredIdempotencyKeys(now: Date): Promise<number> {
      const rows = await db.query(`delete from idempotency_keys where expires_at < $1 and state = 'done' returning key`, [now]);
      return rows.length;
    },

    async countIdempotencyKeys(): Promise<number> {
      const rows = await db.query('select count(*)::int as n from idempotency_keys');
      return Number((rows[0] as Row).n);
    },

    async idempotencyKeyCreatedAt(scope: string, key: string): Promise<Date | null> {
      const rows = await db.query('select created_at from idempotency_keys where scope = $1 and key = $2', [scope, key]);
      return rows[0] === undefined ? null : date(rows[0].created_at);
    },
  };
}
