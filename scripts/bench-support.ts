/**
 * The pieces of `npm run bench`: a throwaway PostgreSQL, the Coffer server as a child process,
 * SQL seeding (wallets, top-ups, a million entries) and the raw-SQL baseline client.
 * Everything here is bounded in time and size and talks only to 127.0.0.1.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readConfig } from '../src/config.js';
import { createIsoCurrency } from '../src/services/currencies.js';
import { openStore } from '../src/store/connect.js';

export const adminActor = { apiKeyId: 'bench', role: 'admin' as const, merchantId: null, scopes: ['read', 'write'] as const };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalPostgres {
  readonly url: string;
  stop(): void;
}

/** initdb + pg_ctl start in a temporary directory owned by `postgres` (initdb refuses root). */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql: set DATABASE_URL');
  const bin = `/usr/lib/postgresql/${versions[0]}/bin`;
  const root = mkdtempSync(join(tmpdir(), 'coffer-bench-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  const run = (command: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe' });
  const port = await freePort();
  run(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  run(`${bin}/pg_ctl`, [
    '-D', data, '-l', join(root, 'log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh database on the given server, so the benchmark never touches existing data. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

export interface Seeded {
  readonly currencyId: string;
  readonly walletIds: readonly string[];
}

/**
 * Migrates, creates USD through the service (with its system accounts), then `wallets` client
 * wallets and one top-up of `balance` each, in bulk SQL that writes exactly what the posting
 * path would (transactions, balanced entries, counters), so `coffer verify` still passes.
 */
export async function seedLedger(target: { databaseUrl: string } | { dataDir: string }, wallets: number, balance: bigint): Promise<Seeded> {
  const store = await openStore(target);
  try {
    const context = { store, clock: () => new Date(), config: readConfig({}) };
    const usd = await createIsoCurrency(context, adminActor, 'USD', {});
    const db = store.database;
    const issuing = await store.read.systemWalletIds(usd.id).then((ids) => ids.get('issuing') as string);
    await db.transaction(async (tx) => {
      await tx.query(
        `insert into wallets (id, serial, currency_id, category, type, created_at, updated_at)
         select gen_random_uuid(), 'BENCH' || lpad(g::text, 10, '0'), $1, 'client', 'client', now(), now() from generate_series(1, $2::int) g`,
        [usd.id, wallets],
      );
      await tx.query(
        `create temp table bench_topups on commit drop as
         select gen_random_uuid() as tid, id as wallet_id, row_number() over (order by id) as n from wallets where serial like 'BENCH%'`,
      );
      await tx.query(
        `insert into transactions (id, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at)
         select tid, 'topup', 'posted', $1, $2::bigint, $3, wallet_id, now(), now() from bench_topups order by n`,
        [usd.id, balance.toString(), issuing],
      );
      await tx.query(
        `insert into entries (transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount, pending, balance_after, created_at)
         select tid, x.wallet_id, x.wallet_id, $1, x.direction, $2::bigint, false, x.after, now()
         from bench_topups t cross join lateral (values ($3::uuid, 'debit', -(t.n * $2::numeric)), (t.wallet_id, 'credit', $2::numeric)) as x(wallet_id, direction, after)
         order by t.n`,
        [usd.id, balance.toString(), issuing],
      );
      await tx.query(`update wallets set credits_posted = $1::numeric where serial like 'BENCH%'`, [balance.toString()]);
      await tx.query(`update wallets set debits_posted = debits_posted + $1::numeric * $2::numeric where id = $3`, [balance.toString(), wallets, issuing]);
    });
    const rows = await db.query<{ id: string }>(`select id from wallets where serial like 'BENCH%' order by serial`);
    return { currencyId: usd.id, walletIds: rows.map((row) => row.id) };
  } finally {
    await store.close();
  }
}

/**
 * Adds `transactions` transfers of 1 minor unit between the seeded wallets (2 entries each) in
 * bulk SQL, chunked; counters follow so the ledger stays consistent. Foreign-key triggers are
 * skipped when the role may (a superuser's `session_replication_role`): the rows are valid by
 * construction. `balance_after` of seeded entries is not meaningful (zero).
 */
export async function seedEntries(databaseUrl: string, currencyId: string, transactions: number, chunk = 100_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica').catch(() => undefined);
    await client.query(`create temp table bench_ids as select array_agg(id order by serial) as ids, count(*)::int as n from wallets where serial like 'BENCH%'`);
    for (let start = 0; start < transactions; start += chunk) {
      const size = Math.min(chunk, transactions - start);
      await client.query('begin');
      await client.query(
        `create temp table bench_seed on commit drop as
         select gen_random_uuid() as tid, ids[1 + (g % n)] as from_id, ids[(1 + ((g + 1 + (g::bigint * 7919) % (n - 1)) % n))::int] as to_id, g
         from bench_ids, generate_series($1::int, $2::int) g`,
        [start, start + size - 1],
      );
      await client.query(
        `insert into transactions (id, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at)
         select tid, 'transfer', 'posted', $1, 1, from_id, to_id, now(), now() from bench_seed order by g`,
        [currencyId],
      );
      await client.query(
        `insert into entries (transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount, pending, balance_after, created_at)
         select tid, x.w, x.w, $1, x.d, 1, false, 0, now()
         from bench_seed cross join lateral (values (from_id, 'debit'), (to_id, 'credit')) as x(w, d) order by g`,
        [currencyId],
      );
      await client.query(
        `update wallets w set debits_posted = debits_posted + s.n from (select from_id as id, count(*) as n from bench_seed group by 1) s where w.id = s.id`,
      );
      await client.query(
        `update wallets w set credits_posted = credits_posted + s.n from (select to_id as id, count(*) as n from bench_seed group by 1) s where w.id = s.id`,
      );
      await client.query('commit');
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

export interface CofferServer {
  readonly url: string;
  readonly pid: number;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** `coffer serve` as a child process (node + tsx, no npx in between, so `pid` is the server). */
export async function startCoffer(env: Record<string, string>, adminKey: string, extraNodeArgs: readonly string[] = []): Promise<CofferServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', COFFER_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('coffer serve did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssBytes() {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match === null ? 0 : Number(match[1]) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Latency percentiles (ms) of a list of samples. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] as number;
}

export interface LoadResult {
  readonly transfersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly errors: number;
  readonly rssMaxBytes: number | null;
}

/**
 * The raw baseline: the same double-entry transfer as Coffer's (lock both accounts in id order,
 * check the balance, update two counters, insert the transaction and its two entries), one per
 * commit, straight on the `pg` driver with `clients` connections. `pick` chooses the accounts.
 */
export async function rawBaseline(databaseUrl: string, clients: number, durationMs: number, pick: () => [number, number]): Promise<LoadResult> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(`drop schema if exists bench_raw cascade; create schema bench_raw;
    create table bench_raw.accounts (id bigint primary key, debits bigint not null default 0, credits bigint not null default 0);
    create table bench_raw.transfers (id bigint generated always as identity primary key, debit_id bigint not null, credit_id bigint not null, amount bigint not null, created_at timestamptz not null);
    create table bench_raw.entries (id bigint generated always as identity primary key, transfer_id bigint not null references bench_raw.transfers (id), account_id bigint not null references bench_raw.accounts (id), amount bigint not null, balance_after bigint not null);
    create index on bench_raw.entries (account_id, id);
    insert into bench_raw.accounts (id, credits) select g, 1000000000 from generate_series(0, 9999) g;`);
  await setup.end();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + durationMs;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (Date.now() < deadline) {
        const [from, to] = pick();
        const started = performance.now();
        try {
          await client.query('begin');
          const rows = (await client.query('select id, credits - debits as balance from bench_raw.accounts where id = any($1::bigint[]) order by id for update', [[from, to]])).rows;
          const balance = BigInt(rows.find((row) => Number(row.id) === from).balance);
          if (balance < 1n) throw new Error('insufficient funds');
          await client.query('update bench_raw.accounts set debits = debits + 1 where id = $1', [from]);
          await client.query('update bench_raw.accounts set credits = credits + 1 where id = $1', [to]);
          const transfer = (await client.query('insert into bench_raw.transfers (debit_id, credit_id, amount, created_at) values ($1, $2, 1, now()) returning id', [from, to])).rows[0].id;
          await client.query('insert into bench_raw.entries (transfer_id, account_id, amount, balance_after) values ($1, $2, -1, $3), ($1, $4, 1, 0)', [transfer, from, (balance - 1n).toString(), to]);
          await client.query('commit');
          latencies.push(performance.now() - started);
        } catch {
          errors++;
          await client.query('rollback').catch(() => undefined);
        }
      }
    } finally {
      client.release();
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsedSeconds = (Date.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { transfersPerSecond: latencies.length / elapsedSeconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), ok: latencies.length, errors, rssMaxBytes: null };
}
