/**
 * The same scripted sequence of operations gives the same journal head on PGlite and on
 * PostgreSQL, and again on a second PGlite run. (No head is pinned: any change to how the code
 * draws ids, e.g. one more object created per request, changes every id and so the head.)
 *
 * The canonical body seals real ids, which Coffer draws at random (UUIDv7), and times, which come
 * from the clock. To replay the same sequence, this test fixes the service clock (ahead of the
 * database's, which commit stamps also read) and, only while
 * the script runs, replaces `crypto.randomBytes` with a seeded generator (through
 * `syncBuiltinESMExports`, which updates the named export `services/ids.ts` imports). Everything
 * else in a body is data the transaction wrote; database-generated numbers (sequence values,
 * entry ids) are left out of the body by design, so they cannot differ between backends.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { readConfig } from '../../src/config.js';
import { bootstrapAdminKey, generateApiKey } from '../../src/services/api-keys.js';
import type { RuntimeContext } from '../../src/services/runtime.js';
import { formatDigest } from '../../src/services/journal-verify.js';
import { verifyLedger } from '../../src/services/verify.js';
import { backends, type Backend } from '../support/backends.js';
import { createContext } from '../../src/services/runtime.js';

/** Deterministic bytes: SHA-256 of a seed and a counter, one stream per requested size. */
function seededRandomBytes(seed: string): (size: number) => Buffer {
  const counters = new Map<number, number>();
  return (size: number) => {
    const counter = (counters.get(size) ?? 0) + 1;
    counters.set(size, counter);
    const out = Buffer.alloc(size);
    for (let offset = 0, block = 0; offset < size; block++) {
      offset += crypto.createHash('sha256').update(`${seed}:${size}:${counter}:${block}`).digest().copy(out, offset);
    }
    return out;
  };
}

async function withSeededRandomness<T>(fn: () => Promise<T>): Promise<T> {
  const cjs = crypto as unknown as { randomBytes: unknown };
  const original = cjs.randomBytes;
  cjs.randomBytes = seededRandomBytes('coffer-journal-determinism');
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    cjs.randomBytes = original;
    syncBuiltinESMExports();
  }
}

/** Runs the script through the HTTP API with a fixed clock; returns the journal head. */
async function scriptedHead(backend: Backend): Promise<string> {
  const store = await backend.open();
  const adminKey = generateApiKey();
  // Far ahead of the database's clock: commit stamps take the later of the two (journal-queries.ts),
  // so with this clock they are the same on every run and backend.
  const now = new Date('2099-01-02T03:04:05.678Z');
  await bootstrapAdminKey(store, adminKey, now);
  const context: RuntimeContext = createContext(store, readConfig({}), () => now);
  const app = await buildApp({ context, logger: false });
  await app.ready();
  try {
    const call = async (method: 'GET' | 'POST', url: string, body?: unknown, expected = 201) => {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      assert.equal(response.statusCode, expected, `${method} ${url}: ${response.body}`);
      return JSON.parse(response.body) as Record<string, string>;
    };
    await withSeededRandomness(async () => {
      const usd = await call('POST', '/v1/currencies/iso/USD');
      const eur = await call('POST', '/v1/currencies/iso/EUR');
      const alice = await call('POST', '/v1/wallets', { currencyId: usd.id, name: 'Alice' });
      const bob = await call('POST', '/v1/wallets', { currencyId: usd.id, name: 'Bob', creditLimit: '50' });
      const carol = await call('POST', '/v1/wallets', { currencyId: eur.id, name: 'Carol' });
      await call('POST', '/v1/topups', { walletId: alice.id, amount: '10000', reference: 'wire-1' });
      await call('POST', '/v1/topups', { walletId: carol.id, amount: 500 });
      const rent = await call('POST', '/v1/transfers', {
        fromWalletId: alice.id,
        toWalletId: bob.id,
        amount: '2500',
        description: 'rent – März ✓',
        metadata: { order: 'A-1' },
        fees: [{ amount: '25', description: 'fee' }],
      });
      await call('POST', '/v1/transfers', { fromWalletId: bob.id, toWalletId: alice.id, amount: '2000' });
      await call('POST', '/v1/transfers', { fromWalletId: bob.id, toWalletId: alice.id, amount: '600' }, 422);
      await call('POST', '/v1/withdrawals', { walletId: alice.id, amount: '300' });
      await call('POST', '/v1/adjustments', { walletId: carol.id, amount: '20', direction: 'debit', reason: 'correction' });
      await call('POST', `/v1/transactions/${rent.id}/reverse`, { amount: '400', reason: 'partial refund' });
      await call('POST', '/v1/batches', {
        atomic: false,
        items: [
          { kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '5' },
          { kind: 'transfer', fromWalletId: carol.id, toWalletId: bob.id, amount: '5' },
          { kind: 'topup', walletId: bob.id, amount: '7' },
        ],
      });
    });
    const report = await verifyLedger(store);
    assert.equal(report.ok, true, report.firstDiscrepancy ?? '');
    assert.equal(report.journal.links, 9);
    return formatDigest(report.journal.head);
  } finally {
    await app.close();
    await store.close();
  }
}

describe('journal determinism', () => {
  it(`gives the same head on ${backends.map((backend) => backend.name).join(' and ')}, and on a second run`, async () => {
    const heads: [string, string][] = [];
    for (const backend of [...backends, backends[0] as Backend]) heads.push([backend.name, await scriptedHead(backend)]);
    assert.match(heads[0]?.[1] ?? '', /^9:[0-9a-f]{64}$/);
    assert.equal(new Set(heads.map(([, head]) => head)).size, 1, `one head for every run: ${JSON.stringify(heads)}`);
  });
});
