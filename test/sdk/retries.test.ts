/**
 * The SDK's transport against a scripted local HTTP server: every non-GET carries an
 * Idempotency-Key that all its retries reuse; retries happen on network errors, timeouts,
 * 409 request_in_progress (after its Retry-After), 429 (after Retry-After) and 5xx, never on other 4xx; the overall
 * deadline bounds everything; refusals, connection failures and timeouts are told apart.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Coffer, CofferClientError, CofferConnectionError, CofferError, CofferTimeoutError } from '../../packages/sdk/src/index.js';

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  authorization: string | undefined;
  body: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

function problem(response: ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/problem+json', 'request-id': 'req-1', ...headers });
  response.end(
    JSON.stringify({
      type: `https://coffer.dev/errors#${code}`,
      title: code,
      status,
      code,
      detail: `detail of ${code}`,
      requestId: 'req-1',
      errors: [{ field: 'amount', message: 'bad' }],
    }),
  );
}

function ok(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

describe('sdk transport: idempotency keys, retries, timeouts and errors', () => {
  let server: Server;
  let baseUrl: string;
  let seen: Seen[] = [];
  let handler: Handler = (_request, response) => ok(response, 200, {});
  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          key: request.headers['idempotency-key'] as string | undefined,
          authorization: request.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        handler(request, response, seen.length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen = [];
  });
  const client = (options: Partial<ConstructorParameters<typeof Coffer>[0]> = {}) =>
    new Coffer({ baseUrl, apiKey: 'coffer_sk_test', initialRetryDelayMs: 5, maxRetryDelayMs: 20, ...options });

  it('sends the key as a bearer token, JSON with bigint amounts as strings, and an Idempotency-Key on POST but not on GET', async () => {
    handler = (request, response) => ok(response, request.method === 'GET' ? 200 : 201, { id: 'tx', amount: '5' });
    await client().transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: 5n });
    await client().transactions.get('tx');
    assert.equal(seen[0]?.authorization, 'Bearer coffer_sk_test');
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { fromWalletId: 'a', toWalletId: 'b', amount: '5' });
    assert.match(seen[0]?.key ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(seen[1]?.key, undefined);
    assert.equal(seen[1]?.url, '/v1/transactions/tx');
  });

  it('retries 5xx with the same Idempotency-Key, at most maxRetries times (default 2)', async () => {
    handler = (_request, response, attempt) => (attempt < 3 ? problem(response, 503, 'service_unavailable') : ok(response, 201, { id: 'tx' }));
    assert.equal((await client().topups.create({ walletId: 'w', amount: '1' })).id, 'tx');
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen.map((request) => request.key)).size, 1, 'one key for every attempt');

    seen = [];
    handler = (_request, response) => problem(response, 500, 'internal_error');
    const error = await client()
      .topups.create({ walletId: 'w', amount: '1' })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof CofferError);
    assert.equal(error.status, 500);
    assert.equal(seen.length, 3, '1 attempt + 2 retries');
    assert.equal(error.idempotencyKey, seen[0]?.key);

    seen = [];
    await client({ maxRetries: 0 })
      .topups.create({ walletId: 'w', amount: '1' })
      .catch(() => undefined);
    assert.equal(seen.length, 1);
  });

  it("uses the caller's Idempotency-Key on every attempt", async () => {
    handler = (_request, response, attempt) => (attempt === 1 ? problem(response, 502, 'internal_error') : ok(response, 201, { id: 'tx' }));
    await client().transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' }, { idempotencyKey: 'order-42' });
    assert.deepEqual(
      seen.map((request) => request.key),
      ['order-42', 'order-42'],
    );
  });

  it('retries 409 request_in_progress but no other 4xx; a refusal carries status, code, detail, errors[] and requestId', async () => {
    handler = (_request, response, attempt) => (attempt === 1 ? problem(response, 409, 'request_in_progress') : ok(response, 201, { id: 'tx' }));
    await client().transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' });
    assert.equal(seen.length, 2);
    for (const [status, code] of [
      [400, 'validation_failed'],
      [401, 'unauthorized'],
      [404, 'not_found'],
      [409, 'hold_not_pending'],
      [422, 'insufficient_funds'],
      [408, 'request_timeout'],
    ] as const) {
      seen = [];
      handler = (_request, response) => problem(response, status, code);
      const error = await client()
        .transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof CofferError, String(error));
      assert.equal(seen.length, 1, `${status} ${code} is not retried`);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.detail, `detail of ${code}`);
      assert.equal(error.requestId, 'req-1');
      assert.deepEqual(error.errors, [{ field: 'amount', message: 'bad' }]);
      assert.ok(!(error instanceof CofferClientError));
    }
  });

  it('honours Retry-After on 429, and gives up at once when the wait does not fit the deadline', async () => {
    handler = (_request, response, attempt) =>
      attempt === 1 ? problem(response, 429, 'rate_limited', { 'retry-after': '1' }) : ok(response, 200, { data: [], nextCursor: null });
    const started = Date.now();
    await client().wallets.list().page();
    assert.ok(Date.now() - started >= 950, 'waited the Retry-After second');
    assert.equal(seen.length, 2);

    seen = [];
    handler = (_request, response) => problem(response, 429, 'rate_limited', { 'retry-after': '30' });
    const quick = Date.now();
    const error = await client({ deadlineMs: 2_000 })
      .wallets.list()
      .page()
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof CofferError && error.code === 'rate_limited');
    assert.equal(error.retryAfterSeconds, 30);
    assert.equal(seen.length, 1);
    assert.ok(Date.now() - quick < 1_000);
  });

  it("honours the Retry-After of 409 request_in_progress (when the key's lease can end), with the same key", async () => {
    handler = (_request, response, attempt) =>
      attempt === 1 ? problem(response, 409, 'request_in_progress', { 'retry-after': '1' }) : ok(response, 201, { id: 'tx' });
    const started = Date.now();
    await client().transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' });
    // The backoff alone would be 5 ms here: the second is the server's.
    assert.ok(Date.now() - started >= 950, 'waited the Retry-After second');
    assert.equal(seen.length, 2);
    assert.ok(seen[0]?.key !== undefined && seen[0].key === seen[1]?.key);
    // Retries exhausted while the key is still in flight: the error says how long to wait, and names the key.
    seen = [];
    handler = (_request, response) => problem(response, 409, 'request_in_progress', { 'retry-after': '3' });
    const error = await client({ maxRetries: 0 })
      .transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof CofferError && error.code === 'request_in_progress');
    assert.equal(error.retryAfterSeconds, 3);
    assert.equal(error.idempotencyKey, seen[0]?.key);
  });

  it('an answer that is not problem+json still becomes a CofferError (code http_error)', async () => {
    handler = (_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<h1>nope</h1>');
    };
    const error = await client()
      .wallets.get('w')
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof CofferError);
    assert.equal(error.code, 'http_error');
    assert.equal(error.status, 404);
  });

  it('a timeout is a CofferTimeoutError after its retries; a dropped connection a CofferConnectionError; both retried with the same key', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const timeout = await client({ timeoutMs: 150 })
      .transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' })
      .catch((caught: unknown) => caught);
    assert.ok(timeout instanceof CofferTimeoutError, String(timeout));
    assert.ok(timeout instanceof CofferClientError && !(timeout instanceof CofferError));
    assert.equal(timeout.attempts, 3);
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen.map((request) => request.key)).size, 1);
    assert.equal(timeout.idempotencyKey, seen[0]?.key);
    assert.ok(Date.now() - started < 2_000);

    seen = [];
    handler = (request) => request.socket.destroy(); // the server took the request, the answer never arrives
    const dropped = await client()
      .transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' })
      .catch((caught: unknown) => caught);
    assert.ok(dropped instanceof CofferConnectionError, String(dropped));
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen.map((request) => request.key)).size, 1);

    const refused = await new Coffer({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1, initialRetryDelayMs: 5 }).wallets
      .list()
      .page()
      .catch((caught: unknown) => caught);
    assert.ok(refused instanceof CofferConnectionError, String(refused));
    assert.equal(refused.attempts, 2);
  });

  it('the overall deadline bounds every attempt and wait', async () => {
    handler = () => undefined;
    const started = Date.now();
    const error = await client({ timeoutMs: 10_000, deadlineMs: 300 })
      .wallets.list()
      .page()
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof CofferTimeoutError, String(error));
    assert.match(error.message, /deadline/);
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
  });

  it("an aborted signal stops the call at once with the signal's reason, without retrying", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    const error = await client()
      .transfers.create({ fromWalletId: 'a', toWalletId: 'b', amount: '1' }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof Error && error.message === 'user cancelled', String(error));
    assert.equal(seen.length, 1);
  });
});
