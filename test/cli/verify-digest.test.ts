/**
 * `coffer verify --digest` prints the journal head as SEQ:HASH; `coffer verify --against SEQ:HASH`
 * passes while the journal still holds that link and fails, naming the truncation, once the tail
 * was cut behind the ledger's back, even when the cut was made consistent enough to pass a plain
 * `coffer verify`. A malformed digest is a usage error (exit 2).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildApp } from '../../src/api/app.js';
import { readConfig } from '../../src/config.js';
import { bootstrapAdminKey, generateApiKey } from '../../src/services/api-keys.js';
import { openStore } from '../../src/store/connect.js';
import { createContext } from '../../src/services/runtime.js';

const run = promisify(execFile);

async function seed(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  const adminKey = generateApiKey();
  await bootstrapAdminKey(store, adminKey, new Date());
  const app = await buildApp({ context: createContext(store, readConfig({})), logger: false });
  const post = async (url: string, body?: unknown) => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    assert.equal(response.statusCode, 201, response.body);
    return JSON.parse(response.body) as { id: string };
  };
  const usd = await post('/v1/currencies/iso/USD');
  const wallet = await post('/v1/wallets', { currencyId: usd.id });
  for (const amount of ['100', '200', '300']) await post('/v1/topups', { walletId: wallet.id, amount });
  await app.close();
  await store.close();
}

/** Cuts the last transaction and makes everything else agree: entries, counters, head. */
async function truncateTail(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  const db = store.database;
  const [last] = await db.query<{ transaction_id: string }>('select transaction_id from journal order by seq desc limit 1');
  assert.ok(last !== undefined);
  await db.query('delete from journal where transaction_id = $1', [last.transaction_id]);
  await db.query('delete from entries where transaction_id = $1', [last.transaction_id]);
  await db.query('delete from transactions where id = $1', [last.transaction_id]);
  await db.query(`update wallets w set
    debits_posted = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and not pending and direction = 'debit'),
    credits_posted = (select coalesce(sum(amount), 0) from entries e where e.balance_wallet_id = w.id and not pending and direction = 'credit')`);
  await db.query('update journal_head set seq = (select max(seq) from journal), hash = (select hash from journal order by seq desc limit 1)');
  await store.close();
}

describe('coffer verify --digest / --against (command line)', () => {
  it('prints the head, accepts it, and detects a truncated tail only against it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-digest-'));
    try {
      await seed(dataDir);
      const env = { ...process.env, COFFER_DATA_DIR: dataDir, DATABASE_URL: '' };
      const coffer = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args], { env });
      const digest = (await coffer('--digest')).stdout.trim();
      assert.match(digest, /^3:[0-9a-f]{64}$/);
      assert.match((await coffer('--against', digest)).stdout, /journal of 3 links intact, head 3:.*matches the saved digest/);

      await truncateTail(dataDir);
      assert.match((await coffer()).stdout, /^ok: .*journal of 2 links intact/);
      await assert.rejects(coffer('--against', digest), (error: { code: number; stdout: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stdout, /DISCREPANCY: journal link 3: the journal ends at link 2 but the saved digest names link 3: its tail was truncated/);
        return true;
      });
      await assert.rejects(coffer(`--against=${digest.slice(0, 10)}`), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2);
        assert.match(error.stderr, /--against expects SEQ:HASH/);
        return true;
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
