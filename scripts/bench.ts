/**
 * `npm run bench`: Coffer's posting path against the database's own limit, in one run on one
 * database. Uses DATABASE_URL's server if given (in a fresh database it creates and drops),
 * else a PostgreSQL it starts itself in a temporary directory. See docs/performance.md.
 *
 *   BENCH_DURATION_S   seconds per measurement (10)
 *   BENCH_ENTRIES      entries seeded for case (e) (1000000)
 *   BENCH_PGLITE       0 to skip the PGlite row
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  type CofferServer,
  createDatabase,
  dropDatabase,
  type LoadResult,
  rawBaseline,
  seedEntries,
  seedLedger,
  startCoffer,
  startLocalPostgres,
} from './bench-support.js';

const durationSeconds = Number(process.env.BENCH_DURATION_S ?? 10);
const seedTransactions = Math.floor(Number(process.env.BENCH_ENTRIES ?? 1_000_000) / 2);
const walletCount = 10_000;
const pgliteWalletCount = 1_000;
const adminKey = `coffer_sk_${randomBytes(24).toString('hex')}`;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Row extends LoadResult {
  readonly name: string;
}
const rows: Row[] = [];

function random<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

function twoDistinct(count: number): [number, number] {
  const from = Math.floor(Math.random() * count);
  const to = (from + 1 + Math.floor(Math.random() * (count - 1))) % count;
  return [from, to];
}

/** One autocannon run; `transfersPerRequest` turns requests into transfers (100 for batches). */
async function load(
  server: CofferServer,
  options: { connections: number; method: 'GET' | 'POST'; path: (() => string) | string; body?: () => unknown; transfersPerRequest?: number },
): Promise<LoadResult> {
  let rssMax = server.rssBytes();
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, server.rssBytes());
  }, 250);
  const result = await autocannon({
    url: server.url,
    connections: options.connections,
    duration: durationSeconds,
    timeout: 30,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    requests: [
      {
        method: options.method,
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          path: typeof options.path === 'string' ? options.path : options.path(),
          ...(options.body !== undefined
            ? { body: JSON.stringify(options.body()), headers: { ...(request.headers as object), 'idempotency-key': randomUUID() } }
            : {}),
        }),
      },
    ],
  });
  clearInterval(sampler);
  await settle(server);
  const ok = result['2xx'];
  const seconds = result.duration;
  return {
    transfersPerSecond: (ok * (options.transfersPerRequest ?? 1)) / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    errors: result.non2xx + result.errors + result.timeouts,
    rssMaxBytes: rssMax,
  };
}

/** Waits (at most 20 s) until requests the generator abandoned have drained, so runs don't overlap. */
async function settle(server: CofferServer): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const started = performance.now();
    await fetch(`${server.url}/v1/currencies?limit=1`, { headers: { authorization: `Bearer ${adminKey}` } }).catch(() => undefined);
    if (performance.now() - started < 50) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function transfers(server: CofferServer, wallets: readonly string[], connections: number, hot?: string): Promise<LoadResult> {
  return load(server, {
    connections,
    method: 'POST',
    path: '/v1/transfers',
    body: () => {
      const [from, to] = twoDistinct(wallets.length);
      const toWalletId = hot ?? (wallets[to] as string);
      const fromWalletId = wallets[from] === hot ? (wallets[to] as string) : (wallets[from] as string);
      return { fromWalletId, toWalletId, amount: '1' };
    },
  });
}

function batches(server: CofferServer, wallets: readonly string[]): Promise<LoadResult> {
  return load(server, {
    connections: 8,
    method: 'POST',
    path: '/v1/batches',
    transfersPerRequest: 100,
    body: () => ({
      atomic: false,
      items: Array.from({ length: 100 }, () => {
        const [from, to] = twoDistinct(wallets.length);
        return { kind: 'transfer', fromWalletId: wallets[from], toWalletId: wallets[to], amount: '1' };
      }),
    }),
  });
}

function statements(server: CofferServer, wallets: readonly string[]): Promise<LoadResult> {
  return load(server, { connections: 16, method: 'GET', path: () => `/v1/wallets/${random(wallets)}/entries?limit=50` });
}

function verify(databaseUrl: string): string {
  try {
    return execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify'], { env: { ...process.env, DATABASE_URL: databaseUrl } }).toString().trim();
  } catch (error) {
    return `FAILED: ${String((error as { stdout?: Buffer }).stdout ?? error)}`.trim();
  }
}

async function measure(name: string, run: () => Promise<LoadResult>): Promise<void> {
  log(`${name}…`);
  const result = await run();
  rows.push({ name, ...result });
  log(`${name}: ${result.transfersPerSecond.toFixed(0)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors`);
}

async function benchPostgres(serverUrl: string): Promise<string> {
  const name = `coffer_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await createDatabase(serverUrl, name);
  try {
    await measure('(a) raw SQL, 16 clients, 1 transfer/commit', () => rawBaseline(databaseUrl, 16, durationSeconds * 1000, () => twoDistinct(walletCount)));
    await measure('(a-hot) raw SQL, all credit one account', () =>
      rawBaseline(databaseUrl, 16, durationSeconds * 1000, () => {
        const from = 1 + Math.floor(Math.random() * (walletCount - 1));
        return [from, 0];
      }),
    );
    log('seeding 10,000 wallets…');
    const { walletIds } = await seedLedger({ databaseUrl }, walletCount, 1_000_000_000n);
    const hot = walletIds[0] as string;
    const groupOff = await startCoffer({ DATABASE_URL: databaseUrl, COFFER_GROUP_COMMIT: 'off' }, adminKey);
    try {
      await measure('(b-off) POST /v1/transfers, group commit off', () => transfers(groupOff, walletIds, 64));
    } finally {
      await groupOff.stop();
    }
    const server = await startCoffer({ DATABASE_URL: databaseUrl }, adminKey);
    try {
      await measure('(b) POST /v1/transfers, 64 connections', () => transfers(server, walletIds, 64));
      await measure('(c) POST /v1/batches of 100 transfers', () => batches(server, walletIds));
      await measure('(d) hot wallet: every transfer credits one', () => transfers(server, walletIds, 64, hot));
      await measure('(s) statement page (50 entries), small ledger', () => statements(server, walletIds));
    } finally {
      await server.stop();
    }
    const seedStarted = Date.now();
    log(`seeding ${seedTransactions * 2} entries by SQL…`);
    await seedEntries(databaseUrl, (await currencyOf(databaseUrl)) as string, seedTransactions);
    log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    const large = await startCoffer({ DATABASE_URL: databaseUrl }, adminKey);
    try {
      await measure(`(e) (b) after ${(seedTransactions * 2).toLocaleString('en')} entries`, () => transfers(large, walletIds, 64));
      await measure('(e-s) statement page, after seeding', () => statements(large, walletIds));
    } finally {
      await large.stop();
    }
    log('coffer verify…');
    return verify(databaseUrl);
  } finally {
    await dropDatabase(serverUrl, name).catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
  }
}

async function currencyOf(databaseUrl: string): Promise<string | undefined> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const rows = (await client.query(`select id from currencies where code = 'USD'`)).rows;
  await client.end();
  return rows[0]?.id as string | undefined;
}

async function benchPglite(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-pglite-'));
  try {
    log(`PGlite: seeding ${pgliteWalletCount} wallets…`);
    const { walletIds } = await seedLedger({ dataDir }, pgliteWalletCount, 1_000_000_000n);
    const server = await startCoffer({ COFFER_DATA_DIR: dataDir, DATABASE_URL: '' }, adminKey);
    try {
      await measure(`(b-pglite) POST /v1/transfers on PGlite (${pgliteWalletCount} wallets)`, () => transfers(server, walletIds, 64));
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printTable(): void {
  const header = ['case', 'transfers/s', 'p50 ms', 'p99 ms', 'ok', 'errors', 'server RSS MB'];
  const lines = rows.map((row) => [
    row.name,
    row.transfersPerSecond.toFixed(0),
    row.p50Ms.toFixed(1),
    row.p99Ms.toFixed(1),
    String(row.ok),
    String(row.errors),
    row.rssMaxBytes === null ? '-' : (row.rssMaxBytes / 1_048_576).toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] as string).length)));
  const format = (cells: readonly string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join(' | ')} |`;
  process.stdout.write(`${format(header)}\n|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|\n`);
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
}

function rate(prefix: string): number {
  return rows.find((row) => row.name.startsWith(prefix))?.transfersPerSecond ?? Number.NaN;
}

async function main(): Promise<void> {
  const started = Date.now();
  const given = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '' ? process.env.DATABASE_URL : undefined;
  const local = given === undefined ? await startLocalPostgres() : undefined;
  let verified = '';
  try {
    verified = await benchPostgres(given ?? (local as { url: string }).url);
  } finally {
    local?.stop();
  }
  if (process.env.BENCH_PGLITE !== '0') await benchPglite();
  printTable();
  const a = rate('(a)');
  const b = rate('(b)');
  const statementSmall = rows.find((row) => row.name.startsWith('(s)'));
  const statementLarge = rows.find((row) => row.name.startsWith('(e-s)'));
  const summary = {
    durationSeconds,
    transfersPerSecond: Object.fromEntries(rows.map((row) => [row.name.slice(1, row.name.indexOf(')')), Math.round(row.transfersPerSecond)])),
    ratios: {
      b_to_a: b / a,
      b_off_to_a: rate('(b-off)') / a,
      c_to_a: rate('(c)') / a,
      d_to_b: rate('(d)') / b,
      e_to_b: rate('(e)') / b,
      b_pglite_to_a: rate('(b-pglite)') / a,
      statement_p50_large_to_small: (statementLarge?.p50Ms ?? Number.NaN) / (statementSmall?.p50Ms ?? Number.NaN),
      statement_rate_large_to_small: (statementLarge?.transfersPerSecond ?? Number.NaN) / (statementSmall?.transfersPerSecond ?? Number.NaN),
    },
    serverRssMaxMb: Math.max(...rows.map((row) => (row.rssMaxBytes ?? 0) / 1_048_576)),
    verify: verified,
    totalSeconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(`coffer verify: ${verified}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
