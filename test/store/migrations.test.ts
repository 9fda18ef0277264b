/**
 * Migrations: applied once each even when several processes start together (advisory lock),
 * and the embedded database keeps its data across a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/connect.js';

const migrationFiles = (await readdir(new URL('../../src/store/migrations/', import.meta.url))).filter((name) => name.endsWith('.sql'));

describe('migrations', () => {
  it('keeps data in the embedded database across a restart and does not migrate twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-store-'));
    const first = await openStore({ dataDir });
    await first.database.query(
      `insert into currencies (id, code, name, fraction, asset_type, created_at, updated_at) values (gen_random_uuid(), 'KEEP', 'kept', 1, 'points', now(), now())`,
    );
    await first.close();
    const second = await openStore({ dataDir });
    const rows = await second.database.query<{ code: string }>(`select code from currencies`);
    assert.deepEqual(
      rows.map((row) => row.code),
      ['KEEP'],
    );
    const applied = await second.database.query<{ n: number }>('select count(*)::int as n from schema_migrations');
    assert.equal(applied[0]?.n, migrationFiles.length);
    await second.close();
  });

  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== '') {
    it('applies each migration once when five processes start together on PostgreSQL', async () => {
      const schema = `coffer_test_${randomBytes(6).toString('hex')}`;
      const stores = await Promise.all(Array.from({ length: 5 }, () => openStore({ databaseUrl: url, schema, poolSize: 2 })));
      try {
        const applied = await (stores[0] as (typeof stores)[number]).database.query<{ name: string }>('select name from schema_migrations order by name');
        assert.deepEqual(
          applied.map((row) => row.name),
          [...migrationFiles].sort(),
        );
      } finally {
        await (stores[0] as (typeof stores)[number]).database.query(`drop schema ${schema} cascade`);
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  }
});
