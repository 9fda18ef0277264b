import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../src/api/app.js';
import { readConfig } from '../../src/config.js';
import { createApiKey, generateApiKey } from '../../src/services/api-keys.js';
import { bootstrapAdminKey } from '../../src/services/api-keys.js';
import type { RuntimeContext } from '../../src/services/runtime.js';
import { verifyLedger } from '../../src/services/verify.js';
import type { Store } from '../../src/store/store.js';
import type { Backend } from './backends.js';
import { createContext } from '../../src/services/runtime.js';

/** The master secret of every test harness (COFFER_SECRET_KEY: at least 32 characters); a test may pass its own in `env`. */
export const testSecretKey = 'coffer-test-master-secret-0123456789abcdef';

export interface Harness {
  readonly app: App;
  readonly store: Store;
  readonly context: RuntimeContext;
  readonly adminKey: string;
  /** Calls the API as `key` (the admin key by default). */
  request(method: string, url: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A merchant key; by default with every scope (read, write, issue), as a platform's own backend has. */
  merchantKey(merchantId: string, scopes?: ('read' | 'write' | 'issue')[]): Promise<string>;
  /** Asserts the ledger invariant: counters match entries, every transaction and currency balances. */
  assertLedgerConsistent(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(backend: Backend, env: Record<string, string> = {}): Promise<Harness> {
  const store = await backend.open();
  const adminKey = generateApiKey();
  await bootstrapAdminKey(store, adminKey, new Date());
  const context: RuntimeContext = createContext(store, readConfig({ COFFER_AUTH_FAILURES_PER_MINUTE: '0', COFFER_SECRET_KEY: testSecretKey, ...env }));
  const app = await buildApp({ context, logger: false });
  await app.ready();
  const harness: Harness = {
    app,
    store,
    context,
    adminKey,
    request(method, url, body, options = {}) {
      const key = options.key === undefined ? adminKey : options.key;
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...(options.headers ?? {}) },
        ...(body !== undefined
          ? {
              payload: typeof body === 'string' ? body : JSON.stringify(body),
              headers: { 'content-type': 'application/json', ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...(options.headers ?? {}) },
            }
          : {}),
      });
    },
    async merchantKey(merchantId, scopes = ['read', 'write', 'issue']) {
      const actor = { apiKeyId: 'test', role: 'admin' as const, merchantId: null, scopes: ['read', 'write', 'issue'] as const };
      return (await createApiKey(context, actor, { role: 'merchant', merchantId, scopes })).key;
    },
    async assertLedgerConsistent() {
      const report = await verifyLedger(store);
      assert.equal(report.firstDiscrepancy, null, `ledger inconsistent: ${report.firstDiscrepancy}`);
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
  return harness;
}

/** Parses a JSON response and asserts its status code, naming the body on failure. */
export function expectStatus<T = Record<string, unknown>>(response: LightMyRequestResponse, status: number): T {
  assert.equal(response.statusCode, status, `expected ${status}, got ${response.statusCode}: ${response.body}`);
  return (response.body === '' ? undefined : JSON.parse(response.body)) as T;
}

/** Asserts a problem+json answer with the given status and code. */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(response.statusCode, status, `expected ${status} ${code}, got ${response.statusCode}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  assert.equal(body.code, code, `expected code ${code}: ${response.body}`);
  assert.equal(typeof body.detail, 'string');
  return body;
}

/**
 * Everything a refused request must leave untouched: counters, entries, transactions, idempotency
 * keys (a business-rule refusal records its answer, a 4xx, under its key: not counted), wallets.
 */
export async function ledgerSnapshot(store: Store): Promise<string> {
  const rows = await store.database.query(
    `select (select count(*) from entries)::text as entries, (select count(*) from transactions)::text as transactions,
            (select count(*) from idempotency_keys where state = 'in_flight' or status_code < 400)::text as keys, (select count(*) from wallets)::text as wallets,
            (select coalesce(sum(debits_posted + 2 * credits_posted + 3 * debits_pending + 5 * credits_pending), 0) from wallets)::text as counters,
            (select string_agg(id::text || ':' || debits_posted || ':' || credits_posted || ':' || debits_pending || ':' || credits_pending, ',' order by id) from wallets) as detail`,
  );
  return JSON.stringify(rows[0]);
}
