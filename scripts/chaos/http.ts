/** The harness's HTTP calls to Coffer, as the admin key, each with a timeout. */
import { sleep } from './options.js';
import { adminKey, type Server } from './servers.js';

export type Json = Record<string, unknown>;

export interface Answer {
  readonly status: number;
  readonly json: Json;
  readonly replayed: boolean;
  /** The answer's Retry-After in seconds (503, 429, 409 `request_in_progress`), if any. */
  readonly retryAfterSeconds: number | null;
}

export async function call(server: Server, method: string, path: string, body?: unknown, key?: string, timeoutMs = 5000): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key !== undefined ? { 'idempotency-key': key } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: Json;
  try {
    json = text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    json = { unparsable: text.slice(0, 200) };
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return {
    status: response.status,
    json,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
  };
}

/**
 * For setup and the final checks, where no fault is injected: tried on each server in turn
 * until one answers below 500 (at most `attempts` times).
 */
export async function steady(servers: readonly Server[], method: string, path: string, body?: unknown, key?: string, attempts = 10): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await call(servers[attempt % servers.length] as Server, method, path, body, key, 30_000);
      if (answer.status < 500 || attempt >= attempts) return answer;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await sleep(1000);
  }
}

export type Outcome = 'ok' | 'refused' | 'unknown';

/**
 * What an answer says about a request: a 2xx committed it; a 4xx business refusal did not;
 * anything else (a timeout, a lost connection, a 5xx, 408, 429, or `request_in_progress`: the
 * key is still held by a request that may or may not commit) leaves it unknown.
 */
export function outcomeOf(answer: Answer | null): Outcome {
  if (answer === null) return 'unknown';
  if (answer.status >= 200 && answer.status < 300) return 'ok';
  if (answer.status >= 500 || answer.status === 408 || answer.status === 429) return 'unknown';
  if (answer.json.code === 'request_in_progress') return 'unknown';
  return answer.status >= 400 ? 'refused' : 'unknown';
}
