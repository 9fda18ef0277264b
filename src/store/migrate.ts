import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Applies the numbered `.sql` files not yet applied, in order, in one database transaction
 * under an advisory lock: two processes starting together apply each migration once.
 */
export async function migrate(db: Database, onApply?: (file: string) => void): Promise<readonly string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name)).sort();
  return db.transaction(async (dbTx) => {
    await dbTx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.coffer_migrations'))`);
    await dbTx.query(`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await dbTx.query<{ name: string }>('select name from schema_migrations')).map((row) => row.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      onApply?.(file);
      const sql = await readFile(migrationsDir + file, 'utf8');
      // Statements are separated by blank-line-free semicolons; the files contain no functions.
      for (const statement of sql
        .split(/;\s*$/m)
        .map((part) => part.trim())
        .filter(Boolean)) {
        await dbTx.query(statement);
      }
      await dbTx.query('insert into schema_migrations (name) values ($1)', [file]);
      applied.push(file);
    }
    return applied;
  });
}

/** The migration files shipped with this build, so /readyz can tell whether the schema is current. */
export async function pendingMigrations(db: Database): Promise<readonly string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  const rows = await db.query<{ name: string }>('select name from schema_migrations').catch(() => []);
  const done = new Set(rows.map((row) => row.name));
  return files.filter((file) => !done.has(file));
}
