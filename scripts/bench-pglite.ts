/**
 * The embedded baseline of `npm run bench`: issue 13's pgbench transfer on a raw PGlite in this
 * process, one `query` per commit, back to back for the given time (PGlite has one connection).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { cpuSecondsOf, loadAverage } from './bench-proc.js';
import type { Measured } from './bench-wrk.js';

const transfer = `WITH d AS (UPDATE accounts SET balance = balance - 1 WHERE id = $1 AND $1::int <> $2::int AND balance >= 1 RETURNING id),
     c AS (UPDATE accounts SET balance = balance + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM d) RETURNING id),
     t AS (SELECT nextval('transfer_seq') AS tid FROM c)
INSERT INTO entries (transfer_id, account_id, amount) SELECT tid, $1::int, -1 FROM t UNION ALL SELECT tid, $2::int, 1 FROM t`;

export async function rawPglite(seconds: number): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-raw-pglite-'));
  const db = new PGlite(dataDir);
  try {
    await db.exec(`create table accounts (id int primary key, balance bigint not null);
      create table entries (id bigint generated always as identity primary key, transfer_id bigint, account_id int, amount bigint, created_at timestamptz default now());
      create index on entries (account_id);
      create sequence transfer_seq;
      insert into accounts select g, 1000000000 from generate_series(1, 10000) g;`);
    const load = loadAverage();
    const cpuBefore = cpuSecondsOf(process.pid);
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    while (performance.now() < deadline) {
      const a = 1 + Math.floor(Math.random() * 10_000);
      const b = 1 + Math.floor(Math.random() * 10_000);
      const t = performance.now();
      await db.query(transfer, [a, b]);
      latencies.push(performance.now() - t);
    }
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    return {
      name: '(a-pglite) raw PGlite, this process, 1 transfer/query',
      transfersPerSecond: latencies.length / elapsed,
      p50Ms: at(50),
      p99Ms: at(99),
      transfers: latencies.length,
      failed: 0,
      cpu: { 'bench process (PGlite)': cpuSecondsOf(process.pid) - cpuBefore },
      rssMaxMb: process.memoryUsage().rss / 1_048_576,
      load,
    };
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
