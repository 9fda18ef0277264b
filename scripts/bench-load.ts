/**
 * The HTTP side of `npm run bench`: one autocannon run against a Coffer server, with every
 * response accounted for. Non-2xx responses are tallied by status and error code (and the first
 * body of each kind kept), items refused inside a 201 batch likewise, so a failing case shows
 * why. Refusals the business rules make on purpose (`legitimateRefusals`) are told apart from
 * everything else, which counts as an error and fails the run above a small fraction.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import type { CofferServer, LoadResult } from './bench-support.js';

/** Error codes that are a correct answer to a valid request (the seeded balances make them rare). */
export const legitimateRefusals: ReadonlySet<string> = new Set(['insufficient_funds']);

/** Tallies outcomes by kind ("201", "422 insufficient_funds", "item insufficient_funds", "socket error") and keeps the first body of each kind. */
export class Outcomes {
  readonly counts: Record<string, number> = {};
  readonly firstBodies: Record<string, string> = {};
  refused = 0;
  unexpected = 0;

  /** `units`: how many transfers this outcome stands for (a failed batch request stands for all its items). */
  add(kind: string, errorCode: string | null, units: number, body?: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (body !== undefined && this.firstBodies[kind] === undefined) this.firstBodies[kind] = body.slice(0, 500);
    if (errorCode === null) return;
    if (legitimateRefusals.has(errorCode)) this.refused += units;
    else this.unexpected += units;
  }
}

function errorCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'no_code';
  } catch {
    return 'not_json';
  }
}

interface BatchReply {
  readonly succeeded?: number;
  readonly results?: readonly { readonly status: string; readonly error?: { readonly code?: string; readonly detail?: string } }[];
}

/**
 * A unique Idempotency-Key that can never look like a payment card number. Coffer refuses text
 * holding a 13–19 digit Luhn-valid number with a card prefix, even in dash-separated groups, and
 * about 1 random UUID in 900 has one (400 validation_failed); base64url text has no such digit runs.
 */
function idempotencyKey(): string {
  return `bench_${randomBytes(18).toString('base64url')}`;
}

export interface LoadOptions {
  readonly adminKey: string;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly method: 'GET' | 'POST';
  readonly path: (() => string) | string;
  readonly body?: () => unknown;
  /** Set for POST /v1/batches: transfers per request; applied items are counted from each 201 body. */
  readonly transfersPerRequest?: number;
}

/** One autocannon run. Transfers/s counts applied transfers (items for batches), or pages for GETs. */
export async function load(server: CofferServer, options: LoadOptions): Promise<LoadResult> {
  const perRequest = options.transfersPerRequest ?? 1;
  const outcomes = new Outcomes();
  let applied = 0;
  const onResponse = (status: number, body: string): void => {
    if (status >= 200 && status < 300) {
      if (perRequest === 1) {
        applied++;
        outcomes.add(String(status), null, 1);
        return;
      }
      let reply: BatchReply;
      try {
        reply = JSON.parse(body) as BatchReply;
      } catch {
        outcomes.add(`${status} not_json`, 'not_json', perRequest, body);
        return;
      }
      applied += reply.succeeded ?? 0;
      outcomes.add(String(status), null, 0);
      for (const item of reply.results ?? []) {
        if (item.status === 'posted') continue;
        const code = item.error?.code ?? 'no_code';
        outcomes.add(`item ${code}`, code, 1, JSON.stringify(item));
      }
      return;
    }
    const code = errorCodeOf(body);
    outcomes.add(`${status} ${code}`, code, perRequest, body);
  };
  let rssMax = server.rssBytes();
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, server.rssBytes());
  }, 250);
  // autocannon calls a request's `onResponse(status, body)` (its documented API; scripts/autocannon.d.ts
  // declares only what the first version of the benchmark used, so the field rides on this variable).
  const request = {
    method: options.method,
    setupRequest: (base: Record<string, unknown>) => ({
      ...base,
      path: typeof options.path === 'string' ? options.path : options.path(),
      ...(options.body !== undefined
        ? { body: JSON.stringify(options.body()), headers: { ...(base.headers as object), 'idempotency-key': idempotencyKey() } }
        : {}),
    }),
    onResponse,
  };
  const result = await autocannon({
    url: server.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 30,
    headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
    requests: [request],
  });
  clearInterval(sampler);
  // Connection errors and timeouts never reach onResponse.
  for (let index = 0; index < result.errors; index++) outcomes.add('socket error', 'socket_error', perRequest);
  for (let index = 0; index < result.timeouts; index++) outcomes.add('timeout', 'timeout', perRequest);
  const requests = result['2xx'] + result.non2xx + result.errors + result.timeouts;
  // Requests still in flight when the duration ended are abandoned, not failed; the server finishes them.
  const sent = (result as unknown as { requests?: { sent?: number } }).requests?.sent ?? requests;
  if (sent > requests) outcomes.counts['unanswered at the end'] = sent - requests;
  await settle(server, options.adminKey);
  return {
    transfersPerSecond: applied / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    attempts: requests * perRequest,
    refused: outcomes.refused,
    errors: outcomes.unexpected,
    breakdown: outcomes.counts,
    firstErrors: outcomes.firstBodies,
    rssMaxBytes: rssMax,
  };
}

/**
 * Waits until the server has finished the requests the generator abandoned, so that one case's
 * leftovers don't run into the next. On PostgreSQL: until no session on the database but ours is
 * busy (running a statement or inside a transaction) for 3 polls in a row; on PGlite, whose one
 * connection serialises everything, until a cheap read answers fast. At most 120 s.
 */
export async function settle(server: CofferServer, adminKey: string): Promise<void> {
  const started = Date.now();
  const deadline = started + 120_000;
  if (server.databaseUrl !== undefined) {
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      for (let quiet = 0; quiet < 3 && Date.now() < deadline; ) {
        const busy = await client.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
           where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid() and state <> 'idle'`,
        );
        quiet = busy.rows[0]?.n === 0 ? quiet + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await client.end();
    }
  } else {
    for (;;) {
      const probe = performance.now();
      await fetch(`${server.url}/v1/currencies?limit=1`, { headers: { authorization: `Bearer ${adminKey}` } }).catch(() => undefined);
      if (performance.now() - probe < 50 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const seconds = (Date.now() - started) / 1000;
  if (Date.now() >= deadline) process.stderr.write(`[bench] the server was still busy ${seconds.toFixed(0)} s after the run ended; going on\n`);
  else if (seconds > 1) process.stderr.write(`[bench] the server drained abandoned requests in ${seconds.toFixed(1)} s\n`);
}
