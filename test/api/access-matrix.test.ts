/**
 * The access matrix, generated from the OpenAPI document (`app.swagger()`), so a new route
 * cannot escape it: every documented route must be listed in `matrix` below with how to
 * exercise it, or this test fails naming it. Then, on real objects of merchant A:
 * - every route with a path parameter that names a merchant's object answers 404 to merchant
 *   B's key and changes nothing (every table compared before and after), while A reads it;
 * - routes that name A's objects in the body or query answer B with 404 (or a failed batch item)
 *   and change nothing;
 * - every admin-only route answers 403 to a merchant key and changes nothing;
 * - every write answers 403 to a read-only key (merchant or admin) and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sealEvents } from '../../src/services/events.js';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

/** A's objects, created on first use so that the matrix only builds what the documented routes need. */
type ObjectName =
  | 'wallet'
  | 'walletSerial'
  | 'transaction'
  | 'webhook'
  | 'delivery'
  | 'quote'
  | 'hold'
  | 'pendingCredit'
  | 'payout'
  | 'currency'
  | 'eurCurrency'
  | 'apiKey'
  | 'eurWallet'
  | 'payneticsAccount'
  | 'card'
  | 'authorization'
  | 'instrument';
type Objects = (name: ObjectName) => Promise<string>;
type Params = (need: Objects) => Promise<Record<string, string>>;
type Body = (need: Objects) => Promise<unknown>;

type Spec =
  /** A merchant's own object named in the path: another merchant gets 404. */
  | { readonly access: 'tenant'; readonly params: Params; readonly body?: Body; readonly query?: string }
  /** Admin keys only: merchants get 403. */
  | { readonly access: 'admin'; readonly params?: Params; readonly body?: Body }
  /** Shared catalogue (currencies, rates) any key may read: no tenant. */
  | { readonly access: 'shared'; readonly params: Params; readonly why: string }
  /**
   * Any key, on its own merchant's data; `foreign` names A's objects in the body or query for B.
   * Path parameters that name no object (a page number) need `params` and `why`.
   */
  | {
      readonly access: 'merchant';
      readonly params?: Params;
      readonly why?: string;
      readonly foreign?: { readonly body?: Body; readonly query?: (need: Objects) => Promise<string>; readonly expect: readonly number[] };
    };

const id =
  (name: ObjectName): Params =>
  async (need) => ({ id: await need(name) });
const account: Params = async (need) => ({ account: await need('payneticsAccount') });
const pair: Params = async (need) => ({ baseCurrencyId: await need('currency'), quoteCurrencyId: await need('eurCurrency') });

/** Every documented route, and how to exercise it. A route missing here fails the test. */
const matrix: Readonly<Record<string, Spec>> = {
  'POST /v1/currencies': { access: 'admin', body: async () => ({ code: 'XTS', name: 'Test', fraction: 100, assetType: 'fiat' }) },
  'GET /v1/currencies': { access: 'merchant' },
  'POST /v1/currencies/iso/{code}': { access: 'admin', params: async () => ({ code: 'JPY' }) },
  'GET /v1/currencies/{id}': { access: 'shared', params: id('currency'), why: 'currencies are a shared catalogue' },
  'PATCH /v1/currencies/{id}': { access: 'admin', params: id('currency'), body: async () => ({ name: 'Renamed' }) },
  'PUT /v1/rates/{baseCurrencyId}/{quoteCurrencyId}': { access: 'admin', params: pair, body: async () => ({ rate: '2' }) },
  'GET /v1/rates/{baseCurrencyId}/{quoteCurrencyId}': { access: 'shared', params: pair, why: 'rates are shared' },
  'GET /v1/rates/{baseCurrencyId}/{quoteCurrencyId}/history': { access: 'shared', params: pair, why: 'rates are shared' },
  'GET /v1/rates': { access: 'merchant' },
  'POST /v1/quotes': { access: 'merchant' },
  'GET /v1/quotes/{id}': { access: 'tenant', params: id('quote') },
  'POST /v1/wallets': {
    access: 'merchant',
    foreign: { body: async (need) => ({ currencyId: await need('currency'), parentWalletId: await need('wallet') }), expect: [404] },
  },
  'POST /v1/wallets/bulk': {
    access: 'merchant',
    // A's wallet as the parent of B's new one: that item fails (404 inside a 200 answer) and nothing is created.
    foreign: { body: async (need) => ({ items: [{ currencyId: await need('currency'), parentWalletId: await need('wallet') }] }), expect: [200] },
  },
  'GET /v1/wallets': { access: 'merchant' },
  'GET /v1/wallets/{id}': { access: 'tenant', params: id('wallet') },
  'PATCH /v1/wallets/{id}': { access: 'tenant', params: id('wallet'), body: async () => ({ creditLimit: '1000000', name: 'mine now' }) },
  'GET /v1/wallets/{id}/balance': { access: 'tenant', params: id('wallet') },
  'GET /v1/wallets/{id}/entries': { access: 'tenant', params: id('wallet') },
  'POST /v1/wallets/{id}/status': { access: 'tenant', params: id('wallet'), body: async () => ({ status: 'blocked', reason: 'other' }) },
  'POST /v1/wallets/{id}/cards': { access: 'tenant', params: id('wallet'), body: async () => ({ kind: 'virtual' }) },
  'GET /v1/wallets/{id}/cards': { access: 'tenant', params: id('wallet') },
  'GET /v1/wallets/{id}/instruments': { access: 'tenant', params: id('wallet') },
  'DELETE /v1/wallets/{id}': { access: 'tenant', params: id('wallet') },
  'GET /v1/wallets/{id}/status-history': { access: 'tenant', params: id('wallet') },
  'GET /v1/instruments': { access: 'merchant' },
  'POST /v1/wallets/{id}/instruments': { access: 'tenant', params: id('wallet'), body: async () => ({ kind: 'us_account' }) },
  'GET /v1/instruments/{id}': { access: 'tenant', params: id('instrument') },
  'PATCH /v1/instruments/{id}': { access: 'admin', params: id('instrument'), body: async () => ({ status: 'REJECTED', externallyVerified: true }) },
  'GET /v1/cards/{id}': { access: 'tenant', params: id('card') },
  'POST /v1/cards/{id}/freeze': { access: 'tenant', params: id('card'), body: async () => ({}) },
  'POST /v1/cards/{id}/unfreeze': { access: 'tenant', params: id('card'), body: async () => ({}) },
  'POST /v1/cards/{id}/destroy': { access: 'tenant', params: id('card'), body: async () => ({}) },
  'POST /v1/cards/{id}/replace': { access: 'tenant', params: id('card'), body: async () => ({}) },
  'POST /v1/cards/{id}/authorizations': { access: 'tenant', params: id('card'), body: async () => ({ amount: '5' }) },
  'GET /v1/cards/{id}/authorizations': { access: 'tenant', params: id('card') },
  'GET /v1/authorizations/{id}': { access: 'tenant', params: id('authorization') },
  'POST /v1/authorizations/{id}/clear': { access: 'tenant', params: id('authorization'), body: async () => ({}) },
  'POST /v1/authorizations/{id}/reverse': { access: 'tenant', params: id('authorization'), body: async () => ({}) },
  'POST /v1/topups': { access: 'merchant', foreign: { body: async (need) => ({ walletId: await need('wallet'), amount: '1' }), expect: [404] } },
  'POST /v1/withdrawals': { access: 'merchant', foreign: { body: async (need) => ({ walletId: await need('wallet'), amount: '1' }), expect: [404] } },
  'POST /v1/transfers': {
    access: 'merchant',
    foreign: { body: async (need) => ({ fromWalletId: await need('wallet'), toWalletId: await need('eurWallet'), amount: '1' }), expect: [404] },
  },
  'POST /v1/exchanges': {
    access: 'merchant',
    foreign: { body: async (need) => ({ fromWalletId: await need('wallet'), toWalletId: await need('eurWallet'), amount: '1' }), expect: [404] },
  },
  'POST /v1/adjustments': { access: 'admin', body: async (need) => ({ walletId: await need('wallet'), amount: '1', direction: 'credit', reason: 'matrix' }) },
  'POST /v1/batches': {
    access: 'merchant',
    foreign: { body: async (need) => ({ atomic: true, items: [{ kind: 'topup', walletId: await need('wallet'), amount: '1' }] }), expect: [422] },
  },
  'POST /v1/holds': { access: 'merchant', foreign: { body: async (need) => ({ walletId: await need('wallet'), amount: '1' }), expect: [404] } },
  'GET /v1/holds': { access: 'merchant' },
  'GET /v1/holds/{id}': { access: 'tenant', params: id('hold') },
  'POST /v1/holds/{id}/capture': { access: 'tenant', params: id('hold'), body: async () => ({}) },
  'POST /v1/holds/{id}/void': { access: 'tenant', params: id('hold'), body: async () => ({}) },
  'POST /v1/pending-credits': { access: 'merchant', foreign: { body: async (need) => ({ walletId: await need('wallet'), amount: '1' }), expect: [404] } },
  'GET /v1/pending-credits': { access: 'merchant' },
  'GET /v1/pending-credits/{id}': { access: 'tenant', params: id('pendingCredit') },
  'POST /v1/pending-credits/{id}/settle': { access: 'tenant', params: id('pendingCredit'), body: async () => ({}) },
  'POST /v1/pending-credits/{id}/fail': { access: 'tenant', params: id('pendingCredit'), body: async () => ({}) },
  'POST /v1/withdrawals/{id}/settle': { access: 'tenant', params: id('payout'), body: async () => ({}) },
  'POST /v1/withdrawals/{id}/fail': { access: 'tenant', params: id('payout'), body: async () => ({ reason: 'matrix' }) },
  'POST /v1/currencies/{id}/system-accounts': { access: 'admin', params: id('currency'), body: async () => ({ type: 'reserve' }) },
  'POST /v1/transactions/{id}/reverse': { access: 'tenant', params: id('transaction'), body: async () => ({}) },
  'GET /v1/transactions': { access: 'merchant', foreign: { query: async (need) => `walletId=${await need('wallet')}`, expect: [404] } },
  'GET /v1/transactions/{id}': { access: 'tenant', params: id('transaction') },
  'GET /v1/reports/trial-balance': { access: 'admin' },
  'GET /v1/reports/verify': { access: 'admin' },
  'POST /v1/api-keys': { access: 'admin', body: async () => ({ role: 'admin' }) },
  'GET /v1/api-keys': { access: 'admin' },
  'POST /v1/api-keys/{id}/revoke': { access: 'admin', params: id('apiKey') },
  'PATCH /v1/api-keys/{id}': { access: 'admin', params: id('apiKey'), body: async () => ({ scopes: ['read', 'write', 'issue'] }) },
  'GET /v1/events': { access: 'merchant' },
  'GET /v1/events/stream': { access: 'merchant' },
  'GET /v1/audit-log': { access: 'merchant' },
  'POST /v1/webhooks': { access: 'merchant' },
  'GET /v1/webhooks': { access: 'merchant' },
  'GET /v1/webhooks/{id}': { access: 'tenant', params: id('webhook') },
  'PATCH /v1/webhooks/{id}': { access: 'tenant', params: id('webhook'), body: async () => ({ url: 'http://127.0.0.1:9/stolen' }) },
  'GET /v1/webhooks/{id}/deliveries': { access: 'tenant', params: id('webhook') },
  'POST /v1/webhooks/{id}/rotate-secret': { access: 'tenant', params: id('webhook'), body: async () => ({ gracePeriodSeconds: 60 }) },
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay': {
    access: 'tenant',
    params: async (need) => ({ id: await need('webhook'), deliveryId: await need('delivery') }),
  },
  'GET /compat/currencies': { access: 'merchant' },
  'GET /compat/currencies/{id}': { access: 'shared', params: id('currency'), why: 'currencies are a shared catalogue' },
  'GET /compat/coins': { access: 'merchant' },
  'GET /compat/coins/{serial}': { access: 'tenant', params: async (need) => ({ serial: await need('walletSerial') }) },
  'POST /compat/paynetics/v2/accounts': {
    access: 'merchant',
    foreign: { body: async (need) => ({ program: 'account_usd', user: 'a-pn', main: await need('payneticsAccount') }), expect: [404] },
  },
  'PUT /compat/paynetics/v2/accounts/{account}/status': { access: 'tenant', params: account, body: async () => ({ status: 'blocked' }) },
  'DELETE /compat/paynetics/v2/accounts/{account}': { access: 'tenant', params: account },
  'GET /compat/paynetics/v2/accounts/{account}': { access: 'tenant', params: account },
  'GET /compat/paynetics/v2/accounts/{page}/{limit}': {
    access: 'merchant',
    params: async () => ({ page: '1', limit: '20' }),
    why: 'page and limit name no object: a merchant key lists only its own accounts',
  },
  'GET /compat/wallets/{id}': { access: 'tenant', params: id('wallet') },
  'GET /compat/paysafe/accounts/{id}': { access: 'tenant', params: async (need) => ({ id: await need('walletSerial') }) },
};

interface Route {
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  readonly parameters: readonly string[];
}

function documentedRoutes(harness: Harness): Route[] {
  const document = harness.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      public: Array.isArray(operation.security) && operation.security.length === 0,
      parameters: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string),
    })),
  );
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function urlOf(route: Route, params: Record<string, string>, query?: string): string {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    assert.ok(params[name] !== undefined, `${route.method} ${route.path}: no value for {${name}}`);
    return encodeURIComponent(params[name] as string);
  });
  return query !== undefined ? `${path}?${query}` : path;
}

/** Every row of every table, hashed per table: "changes nothing" means this stays equal. */
async function databaseState(harness: Harness): Promise<Record<string, string>> {
  await sealEvents(harness.store, new Date());
  const tables = await harness.store.database.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await harness.store.database.query<{ digest: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from "${name}" t`,
    );
    state[name] = String(rows[0]?.digest);
  }
  return state;
}

function describeAnswer(response: LightMyRequestResponse): string {
  return `${response.statusCode} ${response.body.slice(0, 300)}`;
}

for (const backend of backends) {
  describe(`access matrix [${backend.name}]`, () => {
    let harness: Harness;
    let keys: { a: string; b: string; bRead: string; adminRead: string };
    const made = new Map<ObjectName, string>();
    let routes: Route[];

    const as = (key: string) => ({ key });
    const create = async (name: ObjectName): Promise<string> => {
      switch (name) {
        case 'currency':
          return (await isoCurrency(harness, 'USD')).id;
        case 'eurCurrency': {
          const eur = (await isoCurrency(harness, 'EUR')).id;
          expectStatus(await harness.request('PUT', `/v1/rates/${await need('currency')}/${eur}`, { rate: '0.9' }), 200);
          return eur;
        }
        case 'wallet': {
          const created = await wallet(harness, await need('currency'), { customerId: 'a-1' }, keys.a);
          await topup(harness, created.id, '100000', keys.a);
          return created.id;
        }
        case 'walletSerial':
          return expectStatus<{ serial: string }>(await harness.request('GET', `/v1/wallets/${await need('wallet')}`, undefined, as(keys.a)), 200).serial;
        case 'payneticsAccount': {
          await need('currency');
          const created = await harness.request('POST', '/compat/paynetics/v2/accounts', { program: 'account_usd', user: 'a-pn' }, as(keys.a));
          return expectStatus<{ data: { token: string } }>(created, 200).data.token;
        }
        case 'eurWallet':
          return (await wallet(harness, await need('eurCurrency'), { customerId: 'a-2' }, keys.a)).id;
        case 'transaction':
          return String((await topup(harness, await need('wallet'), '500', keys.a)).id);
        case 'quote':
          return expectStatus<{ id: string }>(
            await harness.request(
              'POST',
              '/v1/quotes',
              { fromCurrencyId: await need('currency'), toCurrencyId: await need('eurCurrency'), amount: '100' },
              as(keys.a),
            ),
            201,
          ).id;
        case 'webhook':
          return expectStatus<{ id: string }>(await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/a' }, as(keys.a)), 201).id;
        case 'delivery': {
          const endpoint = await need('webhook');
          await topup(harness, await need('wallet'), '1', keys.a);
          await sealEvents(harness.store, new Date());
          const log = expectStatus<{ data: { id: string }[] }>(await harness.request('GET', `/v1/webhooks/${endpoint}/deliveries`, undefined, as(keys.a)), 200);
          assert.ok(log.data[0] !== undefined, 'A has a delivery');
          return log.data[0].id;
        }
        case 'hold':
          return expectStatus<{ id: string }>(await harness.request('POST', '/v1/holds', { walletId: await need('wallet'), amount: '10' }, as(keys.a)), 201).id;
        case 'pendingCredit':
          return expectStatus<{ id: string }>(
            await harness.request('POST', '/v1/pending-credits', { walletId: await need('wallet'), amount: '10' }, as(keys.a)),
            201,
          ).id;
        case 'payout':
          return expectStatus<{ id: string }>(
            await harness.request(
              'POST',
              '/v1/withdrawals',
              { walletId: await need('wallet'), amount: '10', destination: { iban: 'DE89370400440532013000', name: 'Matrix' } },
              as(keys.a),
            ),
            201,
          ).id;
        case 'card': {
          const owner = await wallet(harness, await need('currency'), { customerId: 'a-card' }, keys.a);
          await topup(harness, owner.id, '1000', keys.a);
          return expectStatus<{ id: string }>(await harness.request('POST', `/v1/wallets/${owner.id}/cards`, { kind: 'virtual' }, as(keys.a)), 201).id;
        }
        case 'authorization':
          return expectStatus<{ id: string }>(
            await harness.request('POST', `/v1/cards/${await need('card')}/authorizations`, { amount: '10' }, as(keys.a)),
            201,
          ).id;
        case 'instrument': {
          const listed = await harness.request('GET', `/v1/wallets/${await need('wallet')}/instruments`, undefined, as(keys.a));
          return String(expectStatus<{ data: { id: string }[] }>(listed, 200).data[0]?.id);
        }
        case 'apiKey':
          return expectStatus<{ id: string }>(await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-x' }), 201).id;
      }
    };
    const need: Objects = async (name) => {
      const existing = made.get(name);
      if (existing !== undefined) return existing;
      const value = await create(name);
      made.set(name, value);
      return value;
    };

    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      keys = {
        a: await harness.merchantKey('m-a'),
        b: await harness.merchantKey('m-b'),
        bRead: await harness.merchantKey('m-b', ['read']),
        adminRead: (
          await harness.request('POST', '/v1/api-keys', { role: 'admin', scopes: ['read'] }).then((response) => expectStatus<{ key: string }>(response, 201))
        ).key,
      };
      routes = documentedRoutes(harness);
    });
    after(() => harness.close());

    it('knows how to exercise every documented route, and classifies every path parameter', () => {
      const unknown = routes
        .filter((route) => !route.public && matrix[`${route.method} ${route.path}`] === undefined)
        .map((route) => `${route.method} ${route.path}`);
      assert.deepEqual(unknown, [], 'routes missing from the access matrix: add each to `matrix` with how to exercise it');
      for (const route of routes.filter((candidate) => !candidate.public)) {
        const spec = matrix[`${route.method} ${route.path}`] as Spec;
        if (route.parameters.length > 0) {
          if (spec.access === 'merchant') {
            assert.ok(
              spec.params !== undefined && spec.why !== undefined,
              `${route.method} ${route.path} takes an object id: classify it as tenant, admin or shared`,
            );
          }
        } else assert.notEqual(spec.access, 'tenant', `${route.method} ${route.path} has no path parameter to test`);
      }
      assert.ok(
        routes.filter((route) => route.public).every((route) => !route.path.startsWith('/v1/')),
        'no /v1 route is public',
      );
    });

    it("answers 404 to merchant B on each of merchant A's objects, changing nothing, while A reads them", async () => {
      let checked = 0;
      for (const route of routes) {
        const spec = matrix[`${route.method} ${route.path}`];
        if (spec?.access !== 'tenant') continue;
        const url = urlOf(route, await spec.params(need), spec.query);
        const body = spec.body !== undefined ? await spec.body(need) : undefined;
        const state = await databaseState(harness);
        const answer = await harness.request(route.method, url, body, as(keys.b));
        assert.equal(answer.statusCode, 404, `${route.method} ${url} as B: ${describeAnswer(answer)}`);
        assert.equal(JSON.parse(answer.body).code, 'not_found');
        assert.deepEqual(await databaseState(harness), state, `${route.method} ${url} as B changed nothing`);
        if (route.method === 'GET') assert.equal((await harness.request('GET', url, undefined, as(keys.a))).statusCode, 200, `${url} as A`);
        checked++;
      }
      assert.ok(checked >= 10, `${checked} tenant routes checked`);
    });

    it("answers merchant B naming A's objects in a body or query with 404, changing nothing", async () => {
      for (const route of routes) {
        const spec = matrix[`${route.method} ${route.path}`];
        if (spec?.access !== 'merchant' || spec.foreign === undefined) continue;
        const query = spec.foreign.query !== undefined ? await spec.foreign.query(need) : undefined;
        const url = urlOf(route, spec.params !== undefined ? await spec.params(need) : {}, query);
        const body = spec.foreign.body !== undefined ? await spec.foreign.body(need) : undefined;
        const state = await databaseState(harness);
        const answer = await harness.request(route.method, url, body, as(keys.b));
        assert.ok(spec.foreign.expect.includes(answer.statusCode), `${route.method} ${url} as B: ${describeAnswer(answer)}`);
        assert.deepEqual(await databaseState(harness), state, `${route.method} ${url} as B changed nothing`);
      }
    });

    it('answers 403 to a merchant key on every admin-only route, changing nothing', async () => {
      for (const route of routes) {
        const spec = matrix[`${route.method} ${route.path}`];
        if (spec?.access !== 'admin') continue;
        const url = urlOf(route, spec.params !== undefined ? await spec.params(need) : {});
        const body = spec.body !== undefined ? await spec.body(need) : undefined;
        const state = await databaseState(harness);
        const answer = await harness.request(route.method, url, body, as(keys.a));
        assert.equal(answer.statusCode, 403, `${route.method} ${url} as a merchant: ${describeAnswer(answer)}`);
        assert.equal(JSON.parse(answer.body).code, 'forbidden');
        assert.deepEqual(await databaseState(harness), state, `${route.method} ${url} changed nothing`);
      }
    });

    it('answers 403 to a read-only key on every write, changing nothing', async () => {
      for (const route of routes) {
        if (route.public || !writeMethods.has(route.method)) continue;
        const spec = matrix[`${route.method} ${route.path}`] as Spec;
        const params = 'params' in spec && spec.params !== undefined ? await spec.params(need) : {};
        const body = 'body' in spec && spec.body !== undefined ? await spec.body(need) : {};
        const url = urlOf(route, params);
        const state = await databaseState(harness);
        for (const key of [keys.bRead, keys.adminRead]) {
          const answer = await harness.request(route.method, url, body, as(key));
          assert.equal(answer.statusCode, 403, `${route.method} ${url} read-only: ${describeAnswer(answer)}`);
        }
        assert.deepEqual(await databaseState(harness), state, `${route.method} ${url} changed nothing`);
      }
    });
  });
}
