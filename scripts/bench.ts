/**
 * `npm run bench`: Coffer's posting path against the database's own limit, in one run on one
 * database. Uses DATABASE_URL's server if given (in a fresh database it creates and drops),
 * else a PostgreSQL it starts itself in a temporary directory. See docs/performance.md.
 *
 * The baseline is pgbench (issue 13's script, `pgbench -n -M prepared -c 16 -j 2 -T <secs>`);
 * HTTP load comes from wrk (scripts/bench/transfers.lua) in its own process; every case prints
 * each process's CPU seconds (/proc) and the load average, and `coffer verify` runs after each.
 * `--quick` (or BENCH_QUICK=1): 5 s cases, no group-commit-off, no large-ledger cases (≤ 60 s).
 *
 *   BENCH_DURATION_S          seconds per measurement (10; 5 with --quick)
 *   BENCH_ENTRIES             entries seeded for case (e) (1000000)
 *   BENCH_PGLITE              0 to skip the PGlite row
 *   BENCH_ERROR_FRACTION_MAX  largest share of failed transfers a case may have (0.001)
 *
 * Exits 1 when a case has more errors than that (refusals for insufficient funds excepted),
 * completes nothing, or `coffer verify` fails on either database afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './bench-load.js';
import { seedEntries, seedLedger } from './bench-seed.js';
import { type CofferServer, createDatabase, dropDatabase, type LoadResult, startCoffer, startLocalPostgres } from './bench-support.js';
import { type Measured, pgbench, preparePgbench, wrk } from './bench-wrk.js';
import { rawPglite } from './bench-pglite.js';
import { loadAverage } from './bench-proc.js';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const durationSeconds = Number(process.env.BENCH_DURATION_S ?? (quick ? 5 : 10));
const seedTransactions = Math.floor(Number(process.env.BENCH_ENTRIES ?? 1_000_000) / 2);
const walletCount = 10_000;
const pgliteWalletCount = 1_000;
/** Each seeded wallet's top-up: a case moves at most a few hundred thousand units, so no wallet runs dry. */
const seedBalance = 1_000_000_000n;
const errorFractionMax = Number(process.env.BENCH_ERROR_FRACTION_MAX ?? 0.001);
const adminKey = `coffer_sk_${randomBytes(24).toString('hex')}`;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Row extends LoadResult {
  readonly name: string;
}
const rows: Row[] = [];
/** The cases measured with pgbench and wrk, with every process's CPU. */
const measured: Measured[] = [];

async function measureLow(name: string, run: () => Promise<Measured>): Promise<Measured> {
  log(`${name}… (load ${loadAverage()})`);
  const result = await run();
  measured.push(result);
  const cpu = Object.entries(result.cpu)
    .map(([process, seconds]) => `${process} ${seconds.toFixed(2)} s`)
    .join(', ');
  log(
    `${name}: ${result.transfersPerSecond.toFixed(0)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.failed} failed; CPU ${cpu}; load ${result.load}`,
  );
  return result;
}

function random<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

function statements(server: CofferServer, wallets: readonly string[]): Promise<LoadResult> {
  return load(server, { adminKey, durationSeconds, connections: 16, method: 'GET', path: () => `/v1/wallets/${random(wallets)}/entries?limit=50` });
}

interface Verified {
  readonly ok: boolean;
  readonly output: string;
  readonly seconds: number;
}

/** `coffer verify` on a database (exit 0 = consistent), as a child process like an operator would run it. */
function verify(env: Record<string, string>): Verified {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  try {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify'], { env: { ...process.env, ...env }, stdio: 'pipe' });
    return { ok: true, output: output.toString().trim(), seconds: seconds() };
  } catch (error) {
    const failed = error as { status?: number | null; stdout?: Buffer; stderr?: Buffer };
    const output = [failed.stdout?.toString(), failed.stderr?.toString()]
      .filter((text) => text !== undefined && text.trim() !== '')
      .join('\n')
      .trim();
    return { ok: false, output: `FAILED (exit ${failed.status ?? '?'}): ${output || String(error)}`, seconds: seconds() };
  }
}

const verified: Record<string, Verified> = {};

function runVerify(name: string, env: Record<string, string>): void {
  log(`coffer verify (${name})…`);
  const result = verify(env);
  verified[name] = result;
  log(`coffer verify (${name}) in ${result.seconds.toFixed(1)} s: ${result.output}`);
}

async function measure(name: string, run: () => Promise<LoadResult>): Promise<void> {
  log(`${name}…`);
  const result = await run();
  rows.push({ name, ...result });
  log(
    `${name}: ${result.transfersPerSecond.toFixed(0)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.refused} refused, ${result.errors} errors; ${outcomeText(result)}`,
  );
}

function outcomeText(result: LoadResult): string {
  return Object.entries(result.breakdown)
    .map(([kind, count]) => `${kind} ×${count}`)
    .join(', ');
}

async function benchPostgres(serverUrl: string): Promise<void> {
  const name = `coffer_bench_${randomBytes(4).toString('hex')}`;
  const baseName = `${name}_pgbench`;
  const databaseUrl = await createDatabase(serverUrl, name);
  const baseUrl = await createDatabase(serverUrl, baseName);
  try {
    await preparePgbench(baseUrl);
    await measureLow('(a) pgbench, 16 clients, 1 transfer/commit', () => pgbench(baseUrl, durationSeconds));
    log(`seeding ${walletCount.toLocaleString('en')} wallets and their top-ups…`);
    const ledgerStarted = Date.now();
    const { walletIds } = await seedLedger({ databaseUrl }, walletCount, seedBalance);
    log(`seeded in ${((Date.now() - ledgerStarted) / 1000).toFixed(1)} s`);
    const random1000 = walletIds.slice(0, 1000);
    const hot = walletIds[0] as string;
    const env = { DATABASE_URL: databaseUrl };
    if (!quick) {
      const groupOff = await startCoffer({ ...env, COFFER_GROUP_COMMIT: 'off' }, adminKey);
      try {
        await measureLow('(b-off) POST /v1/transfers, group commit off', () =>
          wrk({ name: '(b-off)', server: groupOff, adminKey, wallets: random1000, seconds: durationSeconds, connections: 64 }),
        );
      } finally {
        await groupOff.stop();
      }
      runVerify('PostgreSQL after (b-off)', env);
    }
    const server = await startCoffer(env, adminKey);
    try {
      await measureLow('(b) POST /v1/transfers, 64 connections', () =>
        wrk({
          name: '(b) POST /v1/transfers, 64 connections, 1,000 wallets',
          server,
          adminKey,
          wallets: random1000,
          seconds: durationSeconds,
          connections: 64,
        }),
      );
      runVerify('PostgreSQL after (b)', env);
      await measureLow('(c) POST /v1/batches of 100 transfers', () =>
        wrk({
          name: '(c) POST /v1/batches of 100 transfers, 8 connections',
          server,
          adminKey,
          wallets: walletIds,
          seconds: durationSeconds,
          connections: 8,
          batch: 100,
        }),
      );
      runVerify('PostgreSQL after (c)', env);
      await measureLow('(d) hot wallet', () =>
        wrk({
          name: '(d) hot wallet: every transfer credits one, 64 connections',
          server,
          adminKey,
          wallets: random1000,
          seconds: durationSeconds,
          connections: 64,
          hot,
        }),
      );
      runVerify('PostgreSQL after (d)', env);
      if (!quick) await measure('(s) statement page (50 entries), small ledger', () => statements(server, walletIds));
    } finally {
      await server.stop();
    }
    if (quick) return;
    const seedStarted = Date.now();
    log(`seeding ${(seedTransactions * 2).toLocaleString('en')} entries (${seedTransactions.toLocaleString('en')} transfers with their journal links)…`);
    await seedEntries(databaseUrl, (await currencyOf(databaseUrl)) as string, seedTransactions);
    log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    const large = await startCoffer(env, adminKey);
    try {
      await measureLow(`(e) (b) after ${(seedTransactions * 2).toLocaleString('en')} entries`, () =>
        wrk({
          name: `(e) (b) after ${(seedTransactions * 2).toLocaleString('en')} entries`,
          server: large,
          adminKey,
          wallets: random1000,
          seconds: durationSeconds,
          connections: 64,
        }),
      );
      await measure('(e-s) statement page, after seeding', () => statements(large, walletIds));
    } finally {
      await large.stop();
    }
    runVerify('PostgreSQL after (e)', env);
  } finally {
    await dropDatabase(serverUrl, name).catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
    await dropDatabase(serverUrl, baseName).catch((error: unknown) => log(`could not drop ${baseName}: ${String(error)}`));
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
  await measureLow('(a-pglite) raw PGlite in one process, 1 transfer/query', () => rawPglite(durationSeconds));
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-pglite-'));
  try {
    log(`PGlite: seeding ${pgliteWalletCount} wallets…`);
    const { walletIds } = await seedLedger({ dataDir }, pgliteWalletCount, seedBalance);
    const server = await startCoffer({ COFFER_DATA_DIR: dataDir, DATABASE_URL: '' }, adminKey);
    try {
      await measureLow('(b-pglite) POST /v1/transfers on PGlite', () =>
        wrk({
          name: `(b-pglite) POST /v1/transfers on PGlite (${pgliteWalletCount} wallets), 64 connections`,
          server,
          adminKey,
          wallets: walletIds,
          seconds: durationSeconds,
          connections: 64,
        }),
      );
    } finally {
      await server.stop();
    }
    runVerify('PGlite', { COFFER_DATA_DIR: dataDir, DATABASE_URL: '' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The wrk and pgbench cases, with CPU µs per transfer by process and the load average. */
function printMeasured(): void {
  process.stdout.write(
    '\n| case | transfers/s | p50 ms | p99 ms | failed | CPU µs/transfer (by process) | RSS MB | load |\n|---|---:|---:|---:|---:|---|---:|---|\n',
  );
  for (const row of measured) {
    const cpu = Object.entries(row.cpu)
      .map(([process, seconds]) => `${process} ${((seconds * 1e6) / Math.max(1, row.transfers)).toFixed(0)}`)
      .join(', ');
    process.stdout.write(
      `| ${row.name} | ${row.transfersPerSecond.toFixed(0)} | ${row.p50Ms.toFixed(1)} | ${Number.isNaN(row.p99Ms) ? '-' : row.p99Ms.toFixed(1)} | ${row.failed} | ${cpu} | ${row.rssMaxMb === null ? '-' : row.rssMaxMb.toFixed(0)} | ${row.load} |\n`,
    );
  }
}

function printTable(): void {
  const header = ['case', 'transfers/s', 'p50 ms', 'p99 ms', 'ok', 'refused', 'errors', 'server RSS MB'];
  const lines = rows.map((row) => [
    row.name,
    row.transfersPerSecond.toFixed(0),
    row.p50Ms.toFixed(1),
    row.p99Ms.toFixed(1),
    String(row.ok),
    String(row.refused),
    String(row.errors),
    row.rssMaxBytes === null ? '-' : (row.rssMaxBytes / 1_048_576).toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] as string).length)));
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join(' | ')} |`;
  process.stdout.write(
    `${format(header)}\n|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|\n`,
  );
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
}

/** Every response of every case by status and error code, and the first body of each failing kind. */
function printOutcomes(): void {
  process.stdout.write('\noutcomes by status / error code (raw SQL: committed or error class; batches: per request, refused items per item):\n');
  for (const row of rows) process.stdout.write(`  ${row.name}: ${outcomeText(row)}\n`);
  const failing = rows.flatMap((row) => Object.entries(row.firstErrors).map(([kind, body]) => `  ${row.name} [${kind}]: ${body}`));
  if (failing.length > 0) process.stdout.write(`first error body per case and kind:\n${failing.join('\n')}\n`);
}

/** Why the run must fail: a case with too many errors or no success at all, or a failed verify. */
function failures(): string[] {
  const found: string[] = [];
  for (const row of measured) {
    if (row.transfers === 0) found.push(`${row.name}: nothing succeeded`);
    else if (row.failed > errorFractionMax * (row.transfers + row.failed)) found.push(`${row.name}: ${row.failed} failed requests`);
  }
  for (const row of rows) {
    if (row.ok === 0) found.push(`${row.name}: nothing succeeded`);
    if (row.errors > errorFractionMax * row.attempts) {
      found.push(`${row.name}: ${row.errors} of ${row.attempts} failed (more than ${(errorFractionMax * 100).toFixed(2)} %): ${outcomeText(row)}`);
    }
  }
  for (const [name, result] of Object.entries(verified)) if (!result.ok) found.push(`coffer verify (${name}) failed: ${result.output}`);
  return found;
}

function rate(prefix: string): number {
  return (measured.find((row) => row.name.startsWith(prefix)) ?? rows.find((row) => row.name.startsWith(prefix)))?.transfersPerSecond ?? Number.NaN;
}

async function main(): Promise<void> {
  const started = Date.now();
  const given = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '' ? process.env.DATABASE_URL : undefined;
  const local = given === undefined ? await startLocalPostgres() : undefined;
  try {
    await benchPostgres(given ?? (local as { url: string }).url);
  } finally {
    local?.stop();
  }
  if (process.env.BENCH_PGLITE !== '0') await benchPglite();
  if (rows.length > 0) {
    printTable();
    printOutcomes();
  }
  printMeasured();
  const a = rate('(a)');
  const b = rate('(b)');
  const b64 = measured.find((row) => row.name.startsWith('(b)'));
  const statementSmall = rows.find((row) => row.name.startsWith('(s)'));
  const statementLarge = rows.find((row) => row.name.startsWith('(e-s)'));
  const problems = failures();
  const key = (row: Row) => row.name.slice(1, row.name.indexOf(')'));
  const summary = {
    ok: problems.length === 0,
    durationSeconds,
    transfersPerSecond: Object.fromEntries([...measured, ...rows].map((row) => [key(row as Row), Math.round(row.transfersPerSecond)])),
    loadAverage: loadAverage(),
    ratios: {
      b_to_pgbench: b / a,
      b_off_to_pgbench: rate('(b-off)') / a,
      c_to_pgbench: rate('(c)') / a,
      d_to_b: rate('(d)') / b,
      e_to_b: rate('(e)') / b,
      b_pglite_to_raw_pglite: rate('(b-pglite)') / rate('(a-pglite)'),
      statement_p50_large_to_small: (statementLarge?.p50Ms ?? Number.NaN) / (statementSmall?.p50Ms ?? Number.NaN),
      statement_rate_large_to_small: (statementLarge?.transfersPerSecond ?? Number.NaN) / (statementSmall?.transfersPerSecond ?? Number.NaN),
    },
    p99MsAt64: b64?.p99Ms,
    cpuMicrosecondsPerTransfer: Object.fromEntries(
      measured.map((row) => [
        row.name.slice(1, row.name.indexOf(')')),
        Object.fromEntries(Object.entries(row.cpu).map(([k, v]) => [k, Math.round((v * 1e6) / Math.max(1, row.transfers))])),
      ]),
    ),
    serverRssMaxMb: Math.max(...rows.map((row) => (row.rssMaxBytes ?? 0) / 1_048_576), ...measured.map((row) => row.rssMaxMb ?? 0)),
    outcomes: Object.fromEntries(rows.map((row) => [key(row), row.breakdown])),
    verify: Object.fromEntries(Object.entries(verified).map(([name, result]) => [name, result.output])),
    failures: problems,
    totalSeconds: (Date.now() - started) / 1000,
  };
  for (const [name, result] of Object.entries(verified)) process.stdout.write(`coffer verify (${name}, ${result.seconds.toFixed(1)} s): ${result.output}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`bench FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
