/**
 * The hostile-input sweep, generated from the OpenAPI document: for every route and every body
 * field (nested ones too), query, path and header parameter, wrong types, missing required and
 * extra fields, boundary and overflow numbers, long strings, control characters, invalid UTF-8
 * (raw bytes), lone surrogates, deep nesting, and a planted card number with its CVV in every
 * text field. Every answer must be a 4xx problem+json (never a 5xx, never a hang); afterwards
 * every table has the same rows (count and checksum), the planted card number is in no table,
 * no response and no log line, and the ledger verifies. It prints how many requests it tried.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp, type App } from '../../src/api/app.js';
import { logSerializers } from '../../src/api/log-serializers.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';
import { type RouteDoc, routesOf, unboundedStrings } from '../support/openapi-schema.js';
import { type HostileRequest, hostileRequests, plantedPan, plantedPanGrouped, type SweepContext } from '../support/openapi-sweep.js';

const answerTimeoutMs = 10_000;

/** Row count and checksum of every table of the schema. */
async function databaseState(store: Store): Promise<Record<string, string>> {
  const tables = await store.database.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const state: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    // A business-rule refusal (422) records its answer under its Idempotency-Key: not a change.
    const where = table === 'idempotency_keys' ? ` where not (t.state = 'done' and t.status_code >= 400)` : '';
    const [row] = await store.database.query<{ n: string; sum: string | null }>(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from "${table}" t${where}`,
    );
    state[table] = `${row?.n}:${row?.sum}`;
  }
  return state;
}

/** Tables where a planted card number appears in any column (every column, as text). */
async function tablesWithPan(store: Store): Promise<string[]> {
  const tables = Object.keys(await databaseState(store));
  const found: string[] = [];
  for (const table of tables) {
    const [row] = await store.database.query<{ n: number }>(
      `select count(*)::int as n from "${table}" t where strpos(t::text, $1) > 0 or strpos(t::text, $2) > 0`,
      [plantedPan, plantedPanGrouped],
    );
    if ((row?.n ?? 0) > 0) found.push(table);
  }
  return found;
}

function containsPan(text: string): boolean {
  return text.includes(plantedPan) || text.includes(plantedPanGrouped) || text.includes(`${plantedPan.slice(0, 4)}-${plantedPan.slice(4, 8)}`);
}

for (const backend of backends) {
  describe(`hostile-input sweep on ${backend.name}`, () => {
    let harness: Harness;
    let app: App;
    const logLines: string[] = [];
    let context: SweepContext;
    let routes: RouteDoc[];

    before(async () => {
      harness = await startHarness(backend);
      // A second app on the same store, logging everything (debug) into memory to scan it.
      const sink = new Writable({
        write(chunk, _encoding, callback) {
          logLines.push(String(chunk));
          callback();
        },
      });
      app = await buildApp({ context: harness.context, logger: pino({ level: 'debug', serializers: logSerializers }, sink) });
      await app.ready();
      const usd = await isoCurrency(harness, 'USD');
      const alice = await wallet(harness, usd.id, { name: 'Alice', customerId: 'c-1' });
      const bob = await wallet(harness, usd.id, { name: 'Bob' });
      const funding = await topup(harness, alice.id, '1000');
      const key = expectStatus<{ id: string }>(await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-1', scopes: ['read'] }), 201);
      const byName: Record<string, string> = {
        walletId: alice.id,
        fromWalletId: alice.id,
        toWalletId: bob.id,
        currencyId: usd.id,
        parentWalletId: alice.id,
        transactionId: String(funding.id),
      };
      const patterned: Record<string, string> = { code: 'ZZZ', numericCode: '999', type: 'client', serialPrefix: 'Z_' };
      context = {
        resolver: {
          id: (name) => byName[name] ?? '00000000-0000-7000-8000-000000000000',
          patterned: (name) => patterned[name] ?? 'x',
          flag: (name) => name === 'atomic',
        },
        pathValue: (route, name) => {
          if (name === 'code') return 'EUR';
          if (route.path.startsWith('/v1/wallets')) return alice.id;
          if (route.path.startsWith('/v1/currencies')) return usd.id;
          if (route.path.startsWith('/v1/transactions')) return String(funding.id);
          if (route.path.startsWith('/v1/api-keys')) return key.id;
          return '00000000-0000-7000-8000-000000000000';
        },
      };
      routes = routesOf(app.swagger() as Parameters<typeof routesOf>[0]);
    });
    after(async () => {
      await app.close();
      await harness.close();
    });

    it('bounds every string field of the contract', () => {
      assert.deepEqual(routes.flatMap(unboundedStrings), []);
    });

    it('refuses every hostile request with a 4xx problem+json and changes nothing', async () => {
      const before = await databaseState(harness.store);
      const requests: HostileRequest[] = routes.flatMap((route) => hostileRequests(route, context));
      requests.push({
        label: 'body over the size limit',
        method: 'POST',
        url: '/v1/topups',
        headers: { 'content-type': 'application/json' },
        payload: `{"pad":"${'z'.repeat(11 * 1024 * 1024)}"}`,
      });
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      for (const request of requests) {
        const answer = await Promise.race([
          app.inject({
            method: request.method as 'GET',
            url: request.url,
            headers: { authorization: `Bearer ${harness.adminKey}`, ...request.headers },
            ...(request.payload !== undefined ? { payload: request.payload } : {}),
          }),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), answerTimeoutMs).unref()),
        ]);
        const where = `${request.method} ${request.url.slice(0, 120)} [${request.label}]`;
        if (answer === null) {
          failures.push(`${where}: no answer within ${answerTimeoutMs} ms`);
          continue;
        }
        statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
        if (answer.statusCode < 400 || answer.statusCode > 499) failures.push(`${where}: status ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        else if (!String(answer.headers['content-type']).startsWith('application/problem+json'))
          failures.push(`${where}: content-type ${answer.headers['content-type']}`);
        else {
          const body = JSON.parse(answer.body) as { code?: unknown; detail?: unknown; status?: unknown };
          if (typeof body.code !== 'string' || typeof body.detail !== 'string' || body.status !== answer.statusCode)
            failures.push(`${where}: not a problem: ${answer.body.slice(0, 200)}`);
        }
        if (containsPan(answer.body) || containsPan(JSON.stringify(answer.headers))) failures.push(`${where}: the planted card number is in the response`);
      }
      process.stdout.write(
        `# hostile-input sweep on ${backend.name}: ${requests.length} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
      );
      assert.deepEqual(failures.slice(0, 40), [], `${failures.length} of ${requests.length} hostile requests were not refused cleanly`);
      assert.ok(requests.length > 1000, `the sweep is broad (${requests.length} requests)`);
      assert.deepEqual(await databaseState(harness.store), before, 'no table changed');
      assert.deepEqual(await tablesWithPan(harness.store), []);
      assert.ok(logLines.length >= requests.length, `every request was logged (${logLines.length} lines), so the scan below means something`);
      const loggedPan = logLines.filter(containsPan);
      assert.deepEqual(loggedPan.slice(0, 3), [], `${loggedPan.length} log lines carry the planted card number`);
      await harness.assertLedgerConsistent();
    });
  });
}
