import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyCompletion, IdempotencyLease } from '../domain/idempotency.js';
import { createHash } from 'node:crypto';
import type { Queryable, Row } from './database.js';
import { date, json, text } from './rows.js';
import { type Params, single } from './sql-parts.js';

/**
 * What is stored for a key: the SHA-256 of its scope and the key, in hex. A key is never refused
 * for its content (it may read like a card number), and nothing a client put in it is kept.
 */
export function storedKey(scope: string, key: string): string {
  return createHash('sha256').update(scope).update('\n').update(key).digest('hex');
}

const keyOf = storedKey;

function toClaim(row: Row | undefined, requestHash: string): IdempotencyClaim {
  // The holder finished and the row expired between our two statements: report it in flight, the client retries.
  if (row === undefined) return { state: 'in_flight', requestHash, leaseUntil: null };
  if (text(row.state) === 'in_flight') {
    const leaseUntil = row.lease_until === null || row.lease_until === undefined ? new Date(date(row.created_at).getTime() + 60_000) : date(row.lease_until);
    return { state: 'in_flight', requestHash: text(row.request_hash), leaseUntil };
  }
  return { state: 'done', requestHash: text(row.request_hash), statusCode: Number(row.status_code), response: json(row.response) };
}

/**
 * Records many outcomes in one statement (group commit), from one JSON document (large answers then
 * need no array-literal escaping). Only a claim still the request's own is completed; returns the
 * stored keys completed.
 */
export function completeIdempotencyKeysSql(p: Params, completions: readonly IdempotencyCompletion[]): string {
  const rows = completions.map((c) => ({
    scope: c.scope,
    key: storedKey(c.scope, c.key),
    status_code: c.statusCode,
    response: c.response,
    claimed_at: c.claimedAt.toISOString(),
  }));
  return `update idempotency_keys k set state = 'done', status_code = v.status_code, response = v.response
   from jsonb_to_recordset(${p.add(JSON.stringify(rows), 'jsonb')}) as v(scope text, key text, status_code int, response jsonb, claimed_at timestamptz)
   where k.scope = v.scope and k.key = v.key and k.state = 'in_flight' and k.created_at = v.claimed_at
   returning k.key`;
}

/**
 * The completions whose key another request took over meanwhile (its claim went stale and a retry
 * re-claimed it), given the stored keys that were completed: the caller must not commit them.
 */
export function lostCompletions(completions: readonly IdempotencyCompletion[], doneKeys: readonly string[]): IdempotencyCompletion[] {
  const done = new Set(doneKeys);
  return completions.filter((c) => !done.has(storedKey(c.scope, c.key)));
}

export function idempotencyQueries(db: Queryable) {
  /**
   * Claims many keys in one statement and one commit (each in its own request's name); answers
   * in the order asked. The same key twice in one call: if the first claims it, the second finds it
   * in flight; otherwise both get the key's stored state (a finished key replays for every copy).
   * Rows are written in key order, so two concurrent calls never wait on each other in a cycle.
   */
  async function claimIdempotencyKeys(requests: readonly IdempotencyClaimRequest[]): Promise<IdempotencyClaim[]> {
    const firsts = new Map<string, IdempotencyClaimRequest>();
    for (const request of requests) if (!firsts.has(keyOf(request.scope, request.key))) firsts.set(keyOf(request.scope, request.key), request);
    const rows = [...firsts.values()].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const claimed = await db.query(
      `insert into idempotency_keys (scope, key, request_hash, state, created_at, expires_at, lease_until)
       select scope, key, request_hash, 'in_flight', created_at, expires_at, lease_until
       from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[]) with ordinality
            as v(scope, key, request_hash, created_at, expires_at, lease_until, n)
       order by n
       on conflict (scope, key) do update set request_hash = excluded.request_hash, created_at = excluded.created_at, expires_at = excluded.expires_at,
         lease_until = excluded.lease_until
         where idempotency_keys.state = 'in_flight' and coalesce(idempotency_keys.lease_until, idempotency_keys.created_at + interval '60 seconds') < $7
       returning key`,
      [
        rows.map((r) => r.scope),
        rows.map((r) => storedKey(r.scope, r.key)),
        rows.map((r) => r.requestHash),
        rows.map((r) => r.now.toISOString()),
        rows.map((r) => r.expiresAt.toISOString()),
        rows.map((r) => r.leaseUntil.toISOString()),
        // The earliest of the batch: a claim is taken over only once its lease ended for every request of the batch.
        new Date(Math.min(...rows.map((r) => r.now.getTime()))).toISOString(),
      ],
    );
    const won = new Set(claimed.map((row) => text(row.key)));
    const lost = rows.filter((r) => !won.has(keyOf(r.scope, r.key)));
    const held = new Map<string, Row>();
    if (lost.length > 0) {
      const found = await db.query(
        `select k.* from idempotency_keys k join unnest($1::text[], $2::text[]) as v(scope, key) on k.scope = v.scope and k.key = v.key`,
        [lost.map((r) => r.scope), lost.map((r) => storedKey(r.scope, r.key))],
      );
      for (const row of found) held.set(text(row.key), row);
    }
    return requests.map((request) => {
      const id = keyOf(request.scope, request.key);
      const first = firsts.get(id);
      if (won.has(id)) {
        // The first copy of the batch claimed it: every other copy is a concurrent duplicate of a running request.
        return first === request
          ? { state: 'claimed' }
          : { state: 'in_flight', requestHash: first?.requestHash ?? request.requestHash, leaseUntil: first?.leaseUntil ?? null };
      }
      // Not claimed (finished, or held by another request): every copy gets what is stored. Answering a
      // later copy "in flight" regardless made a finished key replay as 409 when two replays shared a batch.
      return toClaim(held.get(id), request.requestHash);
    });
  }

  /**
   * Records many outcomes in one statement (group commit). Only a claim still the request's own is
   * completed: returns the completions whose key another request took over meanwhile (its claim
   * went stale and a retry re-claimed it), which the caller must not commit.
   */
  async function completeIdempotencyKeys(completions: readonly IdempotencyCompletion[]): Promise<IdempotencyCompletion[]> {
    if (completions.length === 0) return [];
    const { sql, values } = single((p) => completeIdempotencyKeysSql(p, completions));
    const rows = await db.query(sql, values);
    return lostCompletions(
      completions,
      rows.map((row) => text(row.key)),
    );
  }

  return {
    /**
     * Claims a key for a request, or reports who holds it. A claim left behind by a process
     * that died (older than `staleBefore`) is taken over, so a key is never stuck.
     */
    async claimIdempotencyKey(scope: string, key: string, requestHash: string, now: Date, expiresAt: Date, leaseUntil: Date): Promise<IdempotencyClaim> {
      const [claim] = await claimIdempotencyKeys([{ scope, key, requestHash, now, expiresAt, leaseUntil }]);
      return claim as IdempotencyClaim;
    },

    claimIdempotencyKeys,

    /** Records the outcome; runs in the same database transaction as the change it describes. */
    async completeIdempotencyKey(scope: string, key: string, claimedAt: Date, statusCode: number, response: unknown): Promise<boolean> {
      return (await completeIdempotencyKeys([{ scope, key, claimedAt, statusCode, response }])).length === 0;
    },

    completeIdempotencyKeys,

    /** Gives a key back after an unexpected failure, so the client can retry with it. */
    async releaseIdempotencyKey(scope: string, key: string, claimedAt: Date): Promise<void> {
      // Only our own claim: one taken over by a later request is that request's.
      await db.query(`delete from idempotency_keys where scope = $1 and key = $2 and state = 'in_flight' and created_at = $3`, [
        scope,
        storedKey(scope, key),
        claimedAt,
      ]);
    },

    /** Pushes the lease of claims whose requests still run (one statement for all of them); a claim taken over is left alone. */
    async renewIdempotencyLeases(leases: readonly IdempotencyLease[], leaseUntil: Date): Promise<void> {
      if (leases.length === 0) return;
      await db.query(
        `update idempotency_keys k set lease_until = $4
         from unnest($1::text[], $2::text[], $3::timestamptz[]) as v(scope, key, claimed_at)
         where k.scope = v.scope and k.key = v.key and k.state = 'in_flight' and k.created_at = v.claimed_at`,
        [leases.map((l) => l.scope), leases.map((l) => storedKey(l.scope, l.key)), leases.map((l) => l.claimedAt.toISOString()), leaseUntil.toISOString()],
      );
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
      const rows = await db.query('select created_at from idempotency_keys where scope = $1 and key = $2', [scope, storedKey(scope, key)]);
      return rows[0] === undefined ? null : date(rows[0].created_at);
    },
  };
}
