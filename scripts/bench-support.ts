import { randomBytes } from 'node:crypto';
/**
 * The pieces of `npm run bench`: a throwaway PostgreSQL, the Coffer server as a child process
 * and the raw-SQL baseline client (seeding is in bench-seed.ts, the HTTP load in bench-load.ts).
 * Everything here is bounded in time and size and talks only to 127.0.0.1.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

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
    '-D',
    data,
    '-l',
    join(root, 'log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB`,
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

export interface CofferServer {
  readonly url: string;
  /** The PostgreSQL database it serves; undefined on PGlite. */
  readonly databaseUrl: string | undefined;
  readonly pid: number;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Builds the server once per run (`npm run build:server`), so the benchmark measures the compiled JavaScript `npm start` runs. */
let builtIn: string | null = null;
function ensureBuilt(cwd: string): void {
  if (builtIn === cwd || process.env.BENCH_NO_BUILD === '1') return;
  execFileSync('npm', ['run', '--silent', 'build:server'], { cwd, stdio: 'inherit' });
  builtIn = cwd;
}

/**
 * `coffer serve` as a child process: the compiled server (`bin/coffer.mjs`, as `npm start` runs
 * it, at the default log level), no npm in between, so `pid` is the server.
 * The per-key rate limits are off: the benchmark sends thousands of requests a second on one
 * key, and the limits (300 money-moving requests a minute by default) would refuse almost all.
 */
/** The master secret (COFFER_SECRET_KEY) of the benchmark's servers: PostgreSQL refuses to start without one. */
const benchSecretKey = randomBytes(32).toString('hex');

export async function startCoffer(env: Record<string, string>, adminKey: string, extraNodeArgs: readonly string[] = []): Promise<CofferServer> {
  const port = await freePort();
  // BENCH_SERVER_DIR: another checkout's server (a "before" figure in the same run conditions).
  const cwd = process.env.BENCH_SERVER_DIR ?? process.cwd();
  ensureBuilt(cwd);
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, 'bin/coffer.mjs', 'serve'], {
    cwd,
    env: {
      ...process.env,
      COFFER_SECRET_KEY: benchSecretKey,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      COFFER_ADMIN_KEY: adminKey,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine (the benchmark records the load average) starting takes a while.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('coffer serve did not start within 180 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid as number;
  return {
    url,
    databaseUrl: env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL,
    pid,
    rssBytes() {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match === null ? 0 : Number(match[1]) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // It drains requests in flight first; killing it mid-write would leave PGlite's files torn.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
      if (child.exitCode === null) {
        process.stderr.write('[bench] coffer serve did not stop within 60 s of SIGTERM: killed\n');
        child.kill('SIGKILL');
      }
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
  /** Successful requests (raw: transfers committed). */
  readonly ok: number;
  /** Transfers (or pages) attempted: requests × transfers per request. */
  readonly attempts: number;
  /** Transfers refused for a business reason the benchmark accepts (insufficient funds). */
  readonly refused: number;
  /** Transfers (or pages) that failed for any other reason: these fail the run. */
  readonly errors: number;
  /** Outcomes by kind: status and error code ("201", "429 rate_limited", "item insufficient_funds", "socket error"). */
  readonly breakdown: Readonly<Record<string, number>>;
  /** The first response body (or error message) of each failing kind. */
  readonly firstErrors: Readonly<Record<string, string>>;
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
  const breakdown: Record<string, number> = {};
  const firstErrors: Record<string, string> = {};
  let refused = 0;
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
          const rows = (
            await client.query('select id, credits - debits as balance from bench_raw.accounts where id = any($1::bigint[]) order by id for update', [
              [from, to],
            ])
          ).rows;
          const balance = BigInt(rows.find((row) => Number(row.id) === from).balance);
          if (balance < 1n) throw new InsufficientFunds();
          await client.query('update bench_raw.accounts set debits = debits + 1 where id = $1', [from]);
          await client.query('update bench_raw.accounts set credits = credits + 1 where id = $1', [to]);
          const transfer = (
            await client.query('insert into bench_raw.transfers (debit_id, credit_id, amount, created_at) values ($1, $2, 1, now()) returning id', [from, to])
          ).rows[0].id;
          await client.query('insert into bench_raw.entries (transfer_id, account_id, amount, balance_after) values ($1, $2, -1, $3), ($1, $4, 1, 0)', [
            transfer,
            from,
            (balance - 1n).toString(),
            to,
          ]);
          await client.query('commit');
          latencies.push(performance.now() - started);
        } catch (error) {
          const kind = error instanceof InsufficientFunds ? 'insufficient_funds' : `error ${String((error as { code?: unknown }).code ?? 'unknown')}`;
          breakdown[kind] = (breakdown[kind] ?? 0) + 1;
          firstErrors[kind] ??= String(error instanceof Error ? error.message : error).slice(0, 500);
          if (error instanceof InsufficientFunds) refused++;
          else errors++;
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
  breakdown.committed = latencies.length;
  return {
    transfersPerSecond: latencies.length / elapsedSeconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ok: latencies.length,
    attempts: latencies.length + refused + errors,
    refused,
    errors,
    breakdown,
    firstErrors,
    rssMaxBytes: null,
  };
}

class InsufficientFunds extends Error {
  constructor() {
    super('insufficient funds');
  }
}
