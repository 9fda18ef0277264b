/**
 * The route walk: every route the app registered (collected by an onRoute hook, so nothing can
 * hide from it), spelled plainly, with a percent-encoded character in its path, and as an
 * absolute-form target (`GET http://host/v1/...`), sent over a real socket without a key and
 * with each kind of key. Each answer must match the declared access matrix below; a route the
 * matrix does not know fails the test by name. To add a route: add one line to `matrix`, keyed
 * by method and Fastify pattern (`/v1/things/:id`); HEAD routes follow their GET.
 *
 * Classes: `public` (no key needed), `read`/`write` (the scope its method needs at the edge),
 * `issue` (creates money or credit: needs the issue scope, checked in the service), `admin`
 * (admin keys only). `tenant` marks a route naming merchant A's object: another merchant's key
 * gets 404. Routes whose refusal happens in the handler (issue, admin) carry a valid body so
 * the handler is reached.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.js';
import { isoCurrency, topup, wallet } from '../support/fixtures.js';
import { expectStatus, type Harness, startHarness } from '../support/harness.js';

type Access = 'public' | 'read' | 'write' | 'issue' | 'admin';
interface Fixtures {
  readonly currencyId: string;
  readonly eurId: string;
  readonly walletId: string;
  readonly walletSerial: string;
  /** An empty wallet of A's for DELETE /v1/wallets/:id (the first caller with write closes it). */
  readonly closableWalletId: string;
  readonly spareKeyId: string;
  readonly webhookId: string;
  /** A's Paynetics account (program account_usd) and a second one for the terminate route. */
  readonly payneticsToken: string;
  readonly closablePayneticsToken: string;
  /** A's card (on a funded wallet), one of its authorizations, and a bank identifier of A's wallet. */
  readonly cardId: string;
  readonly authorizationId: string;
  readonly instrumentId: string;
}
interface Entry {
  readonly access: Access;
  /** Names an object of merchant A in the path: merchant B gets 404. */
  readonly tenant?: boolean;
  readonly params?: (f: Fixtures) => Record<string, string>;
  readonly body?: (f: Fixtures) => unknown;
}

const anyId = '00000000-0000-4000-8000-000000000000';
const wallet$ = (f: Fixtures) => ({ id: f.walletId });
const card$ = (f: Fixtures) => ({ id: f.cardId });
const authorization$ = (f: Fixtures) => ({ id: f.authorizationId });
const pair = (f: Fixtures) => ({ baseCurrencyId: f.currencyId, quoteCurrencyId: f.eurId });

/** Every registered route and who may call it. */
const matrix: Readonly<Record<string, Entry>> = {
  'GET /docs': { access: 'public' },
  'HEAD /docs/': { access: 'public' },
  'GET /docs/static/index.html': { access: 'public' },
  'GET /docs/static/swagger-initializer.js': { access: 'public' },
  'GET /docs/json': { access: 'public' },
  'GET /docs/yaml': { access: 'public' },
  'GET /docs/static/*': { access: 'public', params: () => ({ '*': 'index.css' }) },
  'GET /console': { access: 'public' },
  'GET /console/*': { access: 'public', params: () => ({ '*': 'index.html' }) },
  'GET /metrics': { access: 'public' },
  'GET /healthz': { access: 'public' },
  'GET /readyz': { access: 'public' },

  'POST /v1/currencies': { access: 'admin', body: () => ({ code: 'XTS', name: 'Test', fraction: 100, assetType: 'fiat' }) },
  'POST /v1/currencies/iso/:code': { access: 'admin', params: () => ({ code: 'JPY' }) },
  'POST /v1/currencies/:id/system-accounts': { access: 'admin', params: (f) => ({ id: f.eurId }), body: () => ({ type: 'reserve' }) },
  'GET /v1/currencies': { access: 'read' },
  'GET /v1/currencies/:id': { access: 'read', params: (f) => ({ id: f.currencyId }) },
  'PATCH /v1/currencies/:id': { access: 'admin', params: (f) => ({ id: f.eurId }), body: () => ({ name: 'Euro' }) },
  'PUT /v1/rates/:baseCurrencyId/:quoteCurrencyId': { access: 'admin', params: pair, body: () => ({ rate: '0.9' }) },
  'GET /v1/rates': { access: 'read' },
  'GET /v1/rates/:baseCurrencyId/:quoteCurrencyId': { access: 'read', params: pair },
  'GET /v1/rates/:baseCurrencyId/:quoteCurrencyId/history': { access: 'read', params: pair },
  'POST /v1/quotes': { access: 'write' },
  'GET /v1/quotes/:id': { access: 'read' },

  'POST /v1/wallets': { access: 'issue', body: (f) => ({ currencyId: f.currencyId, creditLimit: '1000' }) },
  'POST /v1/wallets/bulk': { access: 'write', body: (f) => ({ items: [{ currencyId: f.currencyId }] }) },
  'GET /v1/wallets': { access: 'read' },
  'GET /v1/wallets/:id': { access: 'read', tenant: true, params: wallet$ },
  'PATCH /v1/wallets/:id': { access: 'issue', tenant: true, params: wallet$, body: () => ({ creditLimit: String(2n ** 63n - 1n) }) },
  'DELETE /v1/wallets/:id': { access: 'write', tenant: true, params: (f) => ({ id: f.closableWalletId }) },
  'GET /v1/wallets/:id/status-history': { access: 'read', tenant: true, params: wallet$ },
  'GET /v1/wallets/:id/balance': { access: 'read', tenant: true, params: wallet$ },
  'GET /v1/wallets/:id/entries': { access: 'read', tenant: true, params: wallet$ },
  'POST /v1/wallets/:id/status': { access: 'write', tenant: true, params: wallet$, body: () => ({ status: 'active', reason: 'other' }) },
  'GET /v1/wallets/:id/instruments': { access: 'read', tenant: true, params: wallet$ },
  'GET /v1/instruments': { access: 'read' },
  'POST /v1/wallets/:id/instruments': { access: 'write', tenant: true, params: wallet$, body: () => ({ kind: 'us_account' }) },
  'GET /v1/instruments/:id': { access: 'read', tenant: true, params: (f) => ({ id: f.instrumentId }) },
  'PATCH /v1/instruments/:id': { access: 'admin', params: (f) => ({ id: f.instrumentId }), body: () => ({ status: 'VERIFIED' }) },
  'GET /v1/cards/:id': { access: 'read', tenant: true, params: card$ },
  'POST /v1/cards/:id/freeze': { access: 'write', tenant: true, params: card$ },
  'POST /v1/cards/:id/unfreeze': { access: 'write', tenant: true, params: card$ },
  'POST /v1/cards/:id/destroy': { access: 'write', tenant: true, params: card$ },
  'POST /v1/cards/:id/replace': { access: 'write', tenant: true, params: card$ },
  'POST /v1/cards/:id/authorizations': { access: 'write', tenant: true, params: card$, body: () => ({ amount: '1' }) },
  'GET /v1/cards/:id/authorizations': { access: 'read', tenant: true, params: card$ },
  'GET /v1/authorizations/:id': { access: 'read', tenant: true, params: authorization$ },
  'POST /v1/authorizations/:id/clear': { access: 'write', tenant: true, params: authorization$ },
  'POST /v1/authorizations/:id/reverse': { access: 'write', tenant: true, params: authorization$ },
  'POST /v1/wallets/:id/cards': { access: 'write', tenant: true, params: wallet$, body: () => ({ kind: 'virtual' }) },
  'GET /v1/wallets/:id/cards': { access: 'read', tenant: true, params: wallet$ },

  'POST /v1/topups': { access: 'issue', body: (f) => ({ walletId: f.walletId, amount: '1' }) },
  'POST /v1/withdrawals': { access: 'write' },
  'POST /v1/withdrawals/:id/settle': { access: 'write' },
  'POST /v1/withdrawals/:id/fail': { access: 'write' },
  'POST /v1/transfers': { access: 'write' },
  'POST /v1/exchanges': { access: 'write' },
  'POST /v1/adjustments': { access: 'admin', body: (f) => ({ walletId: f.walletId, amount: '1', direction: 'credit', reason: 'walk' }) },
  'POST /v1/transactions/:id/reverse': { access: 'write' },
  'GET /v1/transactions': { access: 'read' },
  'GET /v1/transactions/:id': { access: 'read' },
  'POST /v1/batches': { access: 'write' },
  'POST /v1/holds': { access: 'write' },
  'POST /v1/holds/:id/capture': { access: 'write' },
  'POST /v1/holds/:id/void': { access: 'write' },
  'GET /v1/holds': { access: 'read' },
  'GET /v1/holds/:id': { access: 'read' },
  'POST /v1/pending-credits': { access: 'issue', body: (f) => ({ walletId: f.walletId, amount: '1' }) },
  'POST /v1/pending-credits/:id/settle': { access: 'write' },
  'POST /v1/pending-credits/:id/fail': { access: 'write' },
  'GET /v1/pending-credits': { access: 'read' },
  'GET /v1/pending-credits/:id': { access: 'read' },

  'GET /v1/reports/trial-balance': { access: 'admin' },
  'GET /v1/reports/verify': { access: 'admin' },
  'POST /v1/api-keys': { access: 'admin', body: () => ({ role: 'merchant', merchantId: 'm-walk' }) },
  'GET /v1/api-keys': { access: 'admin' },
  'PATCH /v1/api-keys/:id': { access: 'admin', params: (f) => ({ id: f.spareKeyId }), body: () => ({ name: 'walked' }) },
  'POST /v1/api-keys/:id/revoke': { access: 'admin', params: (f) => ({ id: f.spareKeyId }) },

  'GET /v1/events': { access: 'read' },
  'GET /v1/events/stream': { access: 'read' },
  'GET /v1/audit-log': { access: 'read' },
  'POST /v1/webhooks': { access: 'write' },
  'GET /v1/webhooks': { access: 'read' },
  'GET /v1/webhooks/:id': { access: 'read' },
  'PATCH /v1/webhooks/:id': { access: 'write' },
  'GET /v1/webhooks/:id/deliveries': { access: 'read' },
  'POST /v1/webhooks/:id/rotate-secret': { access: 'write', tenant: true, params: (f) => ({ id: f.webhookId }), body: () => ({ gracePeriodSeconds: 60 }) },
  'POST /v1/webhooks/:id/deliveries/:deliveryId/replay': { access: 'write' },

  'GET /compat/currencies': { access: 'read' },
  'GET /compat/currencies/:id': { access: 'read', params: (f) => ({ id: f.currencyId }) },
  'GET /compat/coins': { access: 'read' },
  'GET /compat/coins/:serial': { access: 'read', tenant: true, params: (f) => ({ serial: f.walletSerial }) },
  'POST /compat/paynetics/v2/accounts': { access: 'write', body: () => ({ program: 'account_usd', user: 'walk-pn', alias: 'walked' }) },
  'PUT /compat/paynetics/v2/accounts/:account/status': {
    access: 'write',
    tenant: true,
    params: (f) => ({ account: f.payneticsToken }),
    body: () => ({ status: 'active' }),
  },
  'DELETE /compat/paynetics/v2/accounts/:account': { access: 'write', tenant: true, params: (f) => ({ account: f.closablePayneticsToken }) },
  'GET /compat/paynetics/v2/accounts/:page/:limit': { access: 'read', params: () => ({ page: '1', limit: '20' }) },
  'GET /compat/paynetics/v2/accounts/:account': { access: 'read', tenant: true, params: (f) => ({ account: f.payneticsToken }) },
  'GET /compat/wallets/:id': { access: 'read', tenant: true, params: wallet$ },
  'GET /compat/paysafe/accounts/:id': { access: 'read', tenant: true, params: (f) => ({ id: f.walletSerial }) },
};

function entryOf(method: string, url: string): Entry | undefined {
  return matrix[`${method} ${url}`] ?? (method === 'HEAD' ? (matrix[`GET ${url}`] ?? matrix[`HEAD ${url}`]) : undefined);
}

interface Caller {
  readonly name: string;
  readonly key: string | null;
  readonly role: 'admin' | 'merchant';
  readonly scopes: readonly string[];
  /** Merchant A owns the fixtures; B is another merchant. */
  readonly merchant: 'a' | 'b' | null;
}

/** The status class a caller must get: 'ok' is anything but 401/403 and 5xx. */
function expected(entry: Entry, method: string, caller: Caller): 401 | 403 | 404 | 'ok' {
  if (entry.access === 'public') return 'ok';
  if (caller.key === null) return 401;
  const edgeScope = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  if (!caller.scopes.includes(edgeScope)) return 403;
  if (entry.access === 'admin' && caller.role !== 'admin') return 403;
  if (caller.merchant === 'b' && entry.tenant === true) return 404;
  if (entry.access === 'issue' && !caller.scopes.includes('issue')) return 403;
  return 'ok';
}

/** Percent-encodes the character at `index` of a path (`/v1/x` → `/%761/x`). */
function encodeAt(path: string, index: number): string {
  const char = path[index] as string;
  return `${path.slice(0, index)}%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${path.slice(index + 1)}`;
}

function send(port: number, method: string, target: string, key: string | null, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: 'coffer.test' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      // Node sends a DELETE body neither chunked nor with a length unless told: say how long it is.
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const request = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (response) => {
      if (String(response.headers['content-type']).startsWith('text/event-stream')) {
        response.destroy();
        resolve({ status: response.statusCode ?? 0, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

for (const backend of backends) {
  describe(`route walk [${backend.name}]`, () => {
    let harness: Harness;
    let port: number;
    let fixtures: Fixtures;
    let callers: Caller[];

    before(async () => {
      harness = await startHarness(backend, { COFFER_WEBHOOKS_ALLOW_PRIVATE: 'true' });
      await harness.app.listen({ port: 0, host: '127.0.0.1' });
      port = (harness.app.server.address() as AddressInfo).port;
      const a = await harness.merchantKey('m-a', ['read', 'write', 'issue']);
      const currencyId = (await isoCurrency(harness, 'USD')).id;
      const eurId = (await isoCurrency(harness, 'EUR')).id;
      const walked = await wallet(harness, currencyId, { customerId: 'walk' }, a);
      const closableWalletId = (await wallet(harness, currencyId, { customerId: 'walk-close' }, a)).id;
      const spareKeyId = expectStatus<{ id: string }>(await harness.request('POST', '/v1/api-keys', { role: 'merchant', merchantId: 'm-spare' }), 201).id;
      const webhookId = expectStatus<{ id: string }>(await harness.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/walk' }, { key: a }), 201).id;
      const paynetics = async (user: string) =>
        expectStatus<{ data: { token: string } }>(
          await harness.request('POST', '/compat/paynetics/v2/accounts', { program: 'account_usd', user }, { key: a }),
          200,
        ).data.token;
      const carded = await wallet(harness, currencyId, { customerId: 'walk-card' }, a);
      await topup(harness, carded.id, '1000', a);
      const cardId = expectStatus<{ id: string }>(await harness.request('POST', `/v1/wallets/${carded.id}/cards`, { kind: 'virtual' }, { key: a }), 201).id;
      const authorizationId = expectStatus<{ id: string }>(
        await harness.request('POST', `/v1/cards/${cardId}/authorizations`, { amount: '10' }, { key: a }),
        201,
      ).id;
      const instruments = expectStatus<{ data: { id: string }[] }>(
        await harness.request('GET', `/v1/wallets/${walked.id}/instruments`, undefined, { key: a }),
        200,
      );
      fixtures = {
        cardId,
        authorizationId,
        instrumentId: String(instruments.data[0]?.id),
        currencyId,
        eurId,
        walletId: walked.id,
        walletSerial: walked.serial,
        closableWalletId,
        spareKeyId,
        webhookId,
        payneticsToken: await paynetics('walk-pn-1'),
        closablePayneticsToken: await paynetics('walk-pn-2'),
      };
      const merchant = async (merchantId: string, scopes: string[]) => harness.merchantKey(merchantId, scopes as ('read' | 'write' | 'issue')[]);
      callers = [
        { name: 'no key', key: null, role: 'merchant', scopes: [], merchant: null },
        { name: 'admin', key: harness.adminKey, role: 'admin', scopes: ['read', 'write', 'issue'], merchant: null },
        { name: 'merchant A read', key: await merchant('m-a', ['read']), role: 'merchant', scopes: ['read'], merchant: 'a' },
        { name: 'merchant A read+write', key: await merchant('m-a', ['read', 'write']), role: 'merchant', scopes: ['read', 'write'], merchant: 'a' },
        { name: 'merchant A read+write+issue', key: a, role: 'merchant', scopes: ['read', 'write', 'issue'], merchant: 'a' },
        {
          name: 'merchant B read+write+issue',
          key: await merchant('m-b', ['read', 'write', 'issue']),
          role: 'merchant',
          scopes: ['read', 'write', 'issue'],
          merchant: 'b',
        },
      ];
    });
    after(() => harness.close());

    it('knows every registered route, and its public flag matches the matrix', () => {
      const unknown = harness.app.routes.filter((route) => entryOf(route.method, route.url) === undefined).map((route) => `${route.method} ${route.url}`);
      assert.deepEqual(unknown, [], 'routes missing from the access matrix of test/api/route-walk.test.ts: add one line per route to `matrix`');
      for (const route of harness.app.routes) {
        const entry = entryOf(route.method, route.url) as Entry;
        assert.equal(
          route.public,
          entry.access === 'public',
          `${route.method} ${route.url}: declared ${entry.access}, registered ${route.public ? 'public' : 'protected'}`,
        );
      }
      assert.ok(harness.app.routes.length >= 90, `${harness.app.routes.length} routes`);
    });

    it('answers every route, in every spelling, as the matrix says for each key', async () => {
      const tally: Record<string, number> = {};
      for (const route of harness.app.routes) {
        const entry = entryOf(route.method, route.url) as Entry;
        const params = entry.params?.(fixtures) ?? {};
        const path = route.url.replace(/:([A-Za-z]+)|\*/g, (whole, name: string | undefined) =>
          encodeURIComponent(params[name ?? '*'] ?? (whole === '*' ? 'x' : anyId)),
        );
        const spellings = [path, encodeAt(path, 1), encodeAt(path, 2), `http://coffer.test${path}`];
        const body = entry.body?.(fixtures) ?? (route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE' ? undefined : {});
        for (const caller of callers) {
          const want = expected(entry, route.method, caller);
          for (const target of spellings) {
            const answer = await send(port, route.method, target, caller.key, body).catch((error: unknown) => {
              throw new Error(`${route.method} ${target} as ${caller.name}: ${String(error)}`);
            });
            const where = `${route.method} ${target} as ${caller.name}: ${answer.status} ${answer.body.slice(0, 200)}`;
            assert.ok(answer.status < 500, where);
            if (want === 'ok') assert.ok(answer.status !== 401 && answer.status !== 403, `expected access, ${where}`);
            else assert.equal(answer.status, want, `expected ${want}, ${where}`);
            if (want === 401 && route.method !== 'HEAD') assert.equal(JSON.parse(answer.body).code, 'unauthorized', where);
            tally[String(answer.status)] = (tally[String(answer.status)] ?? 0) + 1;
          }
        }
      }
      process.stdout.write(`# route walk on ${backend.name}: ${JSON.stringify(tally)}\n`);
    });

    it('answers an unmatched URL 401 without a key and 404 with one, in every spelling', async () => {
      for (const target of ['/v1/nothing-here', '/%761/nothing', '/admin', 'http://coffer.test/v1/nothing-here', '/v1/wallets/x/y/z']) {
        assert.equal((await send(port, 'GET', target, null, undefined)).status, 401, target);
        assert.equal((await send(port, 'POST', target, null, {})).status, 401, target);
        assert.equal((await send(port, 'GET', target, harness.adminKey, undefined)).status, 404, target);
      }
    });
  });
}
