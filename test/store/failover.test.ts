/**
 * Failover in the store's connector (src/store/postgres.ts): a libpq-style multi-host
 * DATABASE_URL chooses the writable primary; when it dies, statements fail as "database
 * unavailable" (503 in the API), never half-done, and the connector finds the promoted standby
 * within a second. Also: a key revoked in one process is refused by another within a second
 * (LISTEN/NOTIFY, migration 011). The failover part needs the PostgreSQL server binaries: without
 * them it is skipped with a message saying so.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { listenForApiKeyChanges } from '../../src/services/api-key-invalidation.js';
import { authenticate, bootstrapAdminKey, generateApiKey, hashApiKey } from '../../src/services/api-keys.js';
import { openStore } from '../../src/store/connect.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../src/store/database.js';
import { parsePostgresTargets } from '../../src/store/pg-hosts.js';
import type { PostgresDatabase } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/store.js';
import { PgPair, serverBinaries } from '../support/pg-pair.js';
import { backends } from '../support/backends.js';
import { expectProblem, startHarness } from '../support/harness.js';

describe('multi-host connection strings', () => {
  it('splits hosts libpq style, with default ports and the session attributes', () => {
    const targets = parsePostgresTargets('postgres://u:p@h1:5432,h2,[::1]:5434/coffer?target_session_attrs=read-write&sslmode=disable');
    assert.deepEqual(targets.urls, [
      'postgres://u:p@h1:5432/coffer?sslmode=disable',
      'postgres://u:p@h2:5432/coffer?sslmode=disable',
      'postgres://u:p@[::1]:5434/coffer?sslmode=disable',
    ]);
    assert.deepEqual(targets.names, ['h1:5432', 'h2:5432', '[::1]:5434']);
    assert.equal(targets.sessionAttrs, 'read-write');
    assert.equal(parsePostgresTargets('postgres://h/db?target_session_attrs=primary').sessionAttrs, 'read-write');
    assert.deepEqual(parsePostgresTargets('postgresql://h:1/db').urls, ['postgresql://h:1/db']);
    assert.equal(parsePostgresTargets('postgresql://h:1/db').sessionAttrs, 'any');
    assert.throws(() => parsePostgresTargets('postgres://h/db?target_session_attrs=nonsense'), /not supported/);
  });

  it('tells database loss from a wrong statement', () => {
    assert.ok(isDatabaseUnavailable(new DatabaseUnavailableError('x')));
    assert.ok(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
    assert.ok(isDatabaseUnavailable(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' })));
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
    assert.ok(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })));
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('deadlock'), { code: '40P01' })), false);
  });
});

describe('the API while the database is gone', () => {
  it('answers 503 service_unavailable with Retry-After, and /readyz says why', async () => {
    const harness = await startHarness(backends[0] as (typeof backends)[number]);
    try {
      const gone = new DatabaseUnavailableError('no writable primary among db1:5432, db2:5432');
      harness.store.read.listWallets = async () => {
        throw gone;
      };
      const response = await harness.request('GET', '/v1/wallets');
      expectProblem(response, 503, 'service_unavailable');
      assert.equal(response.headers['retry-after'], '1');
      const original = harness.store.ping;
      (harness.store as { ping: () => Promise<void> }).ping = async () => {
        throw gone;
      };
      const ready = await harness.request('GET', '/readyz', undefined, { key: null });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(JSON.parse(ready.body), { status: 'unavailable', reason: gone.message });
      (harness.store as { ping: () => Promise<void> }).ping = original;
    } finally {
      await harness.close();
    }
  });
});

const url = process.env.TEST_DATABASE_URL;
if (url !== undefined && url !== '') {
  describe('API-key revocation across processes [postgres]', () => {
    const schema = `coffer_test_${randomBytes(6).toString('hex')}`;
    let here: Store;
    let elsewhere: Store;
    let listening: { stop(): Promise<void> };
    before(async () => {
      elsewhere = await openStore({ databaseUrl: url, schema, poolSize: 2 });
      here = await openStore({ databaseUrl: url, schema, poolSize: 2 });
      listening = await listenForApiKeyChanges(here);
    });
    after(async () => {
      await listening.stop();
      await here.close();
      await elsewhere.database.query(`drop schema ${schema} cascade`).catch(() => undefined);
      await elsewhere.close();
    });

    it('a key revoked by another process is refused here within a second, though remembered for a minute', async () => {
      const key = generateApiKey();
      await bootstrapAdminKey(elsewhere, key, new Date());
      await authenticate(here, key, 60_000);
      await elsewhere.database.query('update api_keys set revoked_at = now() where key_hash = $1', [hashApiKey(key)]);
      const revokedAt = Date.now();
      for (;;) {
        const refused = await authenticate(here, key, 60_000).then(
          () => false,
          () => true,
        );
        if (refused) break;
        assert.ok(Date.now() - revokedAt < 1000, 'the revoked key still worked here a second later');
        await sleep(20);
      }
    });
  });
}

describe('failover to a promoted standby [postgres, own primary and standby]', () => {
  let pair: PgPair | null = null;
  let store: Store | null = null;
  before(async () => {
    if (serverBinaries() !== null) pair = await PgPair.create();
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await pair?.destroy();
  });

  it('chooses the primary, fails cleanly while it is gone, and writes on the promoted standby within a second', async (context) => {
    if (pair === null) {
      // On a bare Node machine (issue 14) this says plainly that it did not run; in CI it must run.
      const message = 'DID NOT RUN: PostgreSQL server binaries (/usr/lib/postgresql/*/bin/pg_basebackup) are not installed: failover not tested';
      assert.ok(process.env.CI !== 'true', message);
      return context.skip(message);
    }
    const chosen: string[] = [];
    // The standby is listed first: the connector must pass it by.
    const multi = `postgres://postgres@127.0.0.1:${pair.standbyPort},127.0.0.1:${pair.primaryPort}/postgres?target_session_attrs=read-write`;
    store = await openStore({ databaseUrl: multi, poolSize: 4, onServer: (name) => chosen.push(name) });
    const database = store.database as PostgresDatabase;
    assert.equal(database.server(), `127.0.0.1:${pair.primaryPort}`);
    await store.database.query('create table drill (n int primary key)');
    await store.database.query('insert into drill values (1)');

    await pair.crashPrimary();
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.savepoint(async () => undefined);
        return store?.database.query('insert into drill values (2)');
      }),
      (error: unknown) => isDatabaseUnavailable(error),
    );
    await assert.rejects(store.database.query('insert into drill values (2)'), DatabaseUnavailableError);
    await pair.promoteStandby();
    const promotedAt = Date.now();
    for (;;) {
      const ok = await store.database.query('insert into drill values (3)').then(
        () => true,
        () => false,
      );
      if (ok) break;
      assert.ok(Date.now() - promotedAt < 1000, 'no write on the promoted standby a second after its promotion');
      await sleep(20);
    }
    assert.equal(database.server(), `127.0.0.1:${pair.standbyPort}`);
    assert.deepEqual(chosen, [`127.0.0.1:${pair.primaryPort}`, `127.0.0.1:${pair.standbyPort}`]);
    const rows = await store.database.query<{ n: number }>('select n from drill order by n');
    assert.deepEqual(
      rows.map((row) => row.n),
      [1, 3],
    );
  });
});
