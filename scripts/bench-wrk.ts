/**
 * The load generators of `npm run bench` that cost little CPU, in their own processes: pgbench
 * (the database's own limit, issue 13's baseline) and wrk (HTTP, with scripts/bench/transfers.lua).
 * Each run reports its throughput, latency and every process's CPU seconds from /proc.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BackendCpu, CpuWatch, loadAverage } from './bench-proc.js';
import type { CofferServer } from './bench-support.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface Measured {
  readonly name: string;
  readonly transfersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly transfers: number;
  /** Non-2xx answers and socket errors (requests). */
  readonly failed: number;
  /** CPU seconds by process: server, postgres (our database's sessions), generator. */
  readonly cpu: Readonly<Record<string, number>>;
  readonly rssMaxMb: number | null;
  readonly load: string;
}

function run(command: string, args: readonly string[], env: Record<string, string>, onPid: (pid: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    onPid(child.pid as number);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err || out}`))));
  });
}

/** Issue 13's raw baseline tables, in their own database (Coffer's has an `entries` table of its own). */
export async function preparePgbench(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop table if exists accounts, entries; drop sequence if exists transfer_seq;
      create table accounts (id int primary key, balance bigint not null);
      create table entries (id bigint generated always as identity primary key, transfer_id bigint, account_id int, amount bigint, created_at timestamptz default now());
      create index on entries (account_id);
      create sequence transfer_seq;
      insert into accounts select g, 1000000000 from generate_series(1, 10000) g;`);
    await client.query('vacuum analyze accounts');
  } finally {
    await client.end();
  }
}

/** `pgbench -n -M prepared -c 16 -j 2 -T <secs>` with issue 13's transfer script. */
export async function pgbench(databaseUrl: string, seconds: number): Promise<Measured> {
  const url = new URL(databaseUrl);
  const backends = new BackendCpu(databaseUrl);
  await backends.begin();
  let watch: CpuWatch | null = null;
  const load = loadAverage();
  const out = await run(
    'pgbench',
    ['-n', '-M', 'prepared', '-c', '16', '-j', '2', '-T', String(seconds), '-f', here('./bench/pgbench-transfer.sql'), '-r', url.pathname.slice(1)],
    {
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username) || 'postgres',
      ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
    },
    (pid) => (watch = new CpuWatch(pid)),
  );
  const generator = (watch as CpuWatch | null)?.stop() ?? 0;
  const database = await backends.end();
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1] ?? 'NaN');
  const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? 'NaN');
  const transfers = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? 'NaN');
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? '0');
  return {
    name: '(a) pgbench, 16 clients, 1 transfer/commit',
    transfersPerSecond: tps,
    p50Ms: latency,
    p99Ms: Number.NaN,
    transfers,
    failed,
    cpu: { postgres: database, pgbench: generator },
    rssMaxMb: null,
    load,
  };
}

export interface WrkOptions {
  readonly name: string;
  readonly server: CofferServer;
  readonly adminKey: string;
  readonly wallets: readonly string[];
  readonly seconds: number;
  readonly connections: number;
  readonly batch?: number;
  readonly hot?: string;
}

/** wrk against a Coffer server; CPU of the server, our database's PostgreSQL sessions and wrk itself. */
export async function wrk(options: WrkOptions): Promise<Measured> {
  const walletsFile = `/tmp/coffer-bench-wallets-${process.pid}.txt`;
  writeFileSync(walletsFile, `${options.wallets.join('\n')}\n`);
  const backends = options.server.databaseUrl === undefined ? null : new BackendCpu(options.server.databaseUrl);
  await backends?.begin();
  const server = new CpuWatch(options.server.pid);
  let generator: CpuWatch | null = null;
  let rssMax = options.server.rssBytes();
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, options.server.rssBytes())), 250);
  const load = loadAverage();
  const threads = Math.min(2, options.connections);
  const out = await run(
    'wrk',
    [
      '-t',
      String(threads),
      '-c',
      String(options.connections),
      '-d',
      `${options.seconds}s`,
      '--timeout',
      '30s',
      '-s',
      here('./bench/transfers.lua'),
      options.server.url,
    ],
    { BENCH_WALLETS: walletsFile, BENCH_KEY: options.adminKey, BENCH_BATCH: String(options.batch ?? 0), BENCH_HOT: options.hot ?? '' },
    (pid) => (generator = new CpuWatch(pid)),
  );
  clearInterval(sampler);
  const cpu: Record<string, number> = { server: server.stop(), wrk: (generator as CpuWatch | null)?.stop() ?? 0 };
  if (backends !== null) cpu.postgres = await backends.end();
  const line = /WRK_JSON (\{.*\})/.exec(out)?.[1];
  if (line === undefined) throw new Error(`wrk printed no summary: ${out}`);
  const summary = JSON.parse(line) as { requests: number; seconds: number; non2xx: number; socketErrors: number; p50Ms: number; p99Ms: number };
  const perRequest = options.batch ?? 1;
  // Batches are non-atomic: a 201 may hold refused items, but the seeded balances make refusals all but impossible.
  const transfers = (summary.requests - summary.non2xx) * perRequest;
  return {
    name: options.name,
    transfersPerSecond: transfers / summary.seconds,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    transfers,
    failed: summary.non2xx + summary.socketErrors,
    cpu,
    rssMaxMb: rssMax / 1_048_576,
    load,
  };
}
