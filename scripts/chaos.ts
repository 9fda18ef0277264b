/**
 * `npm run chaos -- [--seconds 60] [--servers 3] [--clients 32] [--seed 1]`: a fault-injection
 * bank test in the manner of Jepsen's. It creates its own PostgreSQL cluster in a temporary
 * directory on a free loopback port (never the machine's shared cluster), starts several Coffer
 * servers on it, and drives concurrent clients doing random transfers, each with an
 * Idempotency-Key, across 3 currencies and 20 wallets, while it SIGKILLs and restarts servers,
 * SIGSTOPs one for a few seconds and restarts PostgreSQL with `pg_ctl stop -m immediate`.
 * A final-read phase resolves every request whose answer was lost by replaying its key; then it
 * checks the ledger against the clients' own record and prints a summary. Exit 1 on any violation.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const adminKey = 'coffer_sk_chaos_admin_key_0123456789abcdef';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const seconds = Math.min(option('seconds', 60), 3600);
const serverCount = Math.min(option('servers', 3), 8);
const clientCount = Math.min(option('clients', 32), 128);
let seed = option('seed', Date.now() % 1_000_000);
const seedUsed = seed;
/** Mulberry32: a seeded generator, so a run's choices can be replayed with --seed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// ---------------------------------------------------------------- PostgreSQL, our own cluster

const pgBin = async (): Promise<string> => {
  const { stdout } = await run('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1']);
  return stdout.trim();
};

class Cluster {
  constructor(readonly dir: string, readonly bin: string, readonly port: number) {}
  private asOwner(command: string, args: string[]) {
    const full = join(this.bin, command);
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', full, ...args]) : run(full, args);
  }
  static async create(): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-chaos-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new Cluster(dir, await pgBin(), await freePort());
    await cluster.asOwner('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
    return cluster;
  }
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await this.asOwner('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', 'start']);
  }
  async crash(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']);
  }
  async destroy(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- Coffer servers

interface Server {
  readonly port: number;
  process: ChildProcess | null;
  stopped: boolean;
  /** Killed on purpose and about to be restarted: not an unexpected exit. */
  killed: boolean;
}

/** The last lines each server wrote to stderr, shown if the harness fails. */
const serverErrors: string[] = [];

function startServer(server: Server, databaseUrl: string): void {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, PORT: String(server.port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, COFFER_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    serverErrors.push(`[${server.port}] ${String(chunk).slice(0, 500)}`);
    if (serverErrors.length > 20) serverErrors.shift();
  });
  server.process = child;
  server.stopped = false;
  child.on('exit', () => {
    if (server.process === child) server.process = null;
  });
}

async function waitReady(server: Server, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`server on port ${server.port} did not become ready`);
}

// ---------------------------------------------------------------- the clients' record

type Outcome = 'ok' | 'refused' | 'unknown';
interface Operation {
  readonly key: string;
  readonly body: { readonly fromWalletId: string; readonly toWalletId: string; readonly amount: string };
  outcome: Outcome;
  transactionId: string | null;
  refusal: string | null;
  resolvedLate: boolean;
}

/** For setup and the final checks, where there are no faults: retried until it answers. */
async function steady(servers: readonly Server[], method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await call(servers[attempt % servers.length] as Server, method, path, body, key, 30_000);
      if (answer.status < 500) return answer;
      if (attempt >= 10) return answer;
    } catch (error) {
      if (attempt >= 10) throw error;
    }
    await sleep(1000);
  }
}

async function call(server: Server, method: string, path: string, body?: unknown, key?: string, timeoutMs = 5000): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** One attempt of a transfer: 201 is committed, a 4xx business refusal is not, anything else is unknown. */
async function attempt(server: Server, operation: Operation): Promise<void> {
  try {
    const { status, json } = await call(server, 'POST', '/v1/transfers', operation.body, operation.key);
    if (status === 201) {
      operation.outcome = 'ok';
      operation.transactionId = String(json.id);
    } else if (status >= 400 && status < 500 && status !== 409 && status !== 408 && status !== 429) {
      operation.outcome = 'refused';
      operation.refusal = String(json.code);
    } else {
      operation.outcome = 'unknown';
    }
  } catch {
    operation.outcome = 'unknown';
  }
}

// ---------------------------------------------------------------- the run

interface Counters {
  kills: number;
  restarts: number;
  pauses: number;
  databaseRestarts: number;
  snapshots: number;
  snapshotsFailed: number;
  unexpectedExits: number;
}

async function main(): Promise<number> {
  const started = Date.now();
  const cluster = await Cluster.create();
  const servers: Server[] = [];
  for (let index = 0; index < serverCount; index++) servers.push({ port: await freePort(), process: null, stopped: false, killed: false });
  const violations: string[] = [];
  const counters: Counters = { kills: 0, restarts: 0, pauses: 0, databaseRestarts: 0, snapshots: 0, snapshotsFailed: 0, unexpectedExits: 0 };
  try {
    // One at a time at first: the first applies the migrations.
    for (const server of servers) {
      startServer(server, cluster.url);
      await waitReady(server, 180_000);
    }

    // Setup: 3 currencies, 20 wallets, each funded.
    const wallets: { id: string; currencyId: string }[] = [];
    const initial = new Map<string, bigint>();
    for (const code of ['USD', 'EUR', 'GBP']) {
      const currency = await steady(servers, 'POST', `/v1/currencies/iso/${code}`);
      if (currency.status !== 201) throw new Error(`setup: currency ${code}: ${currency.status}`);
      const count = code === 'GBP' ? 6 : 7;
      for (let index = 0; index < count; index++) {
        const wallet = await steady(servers, 'POST', '/v1/wallets', { currencyId: currency.json.id, name: `${code} ${index}` });
        const id = String(wallet.json.id);
        const funding = await steady(servers, 'POST', '/v1/topups', { walletId: id, amount: '100000' }, `setup-${id}`);
        if (funding.status !== 201) throw new Error(`setup: topup ${funding.status}`);
        wallets.push({ id, currencyId: String(currency.json.id) });
        initial.set(id, 100_000n);
      }
    }

    const operations: Operation[] = [];
    const deadline = Date.now() + seconds * 1000;
    const live = () => servers.filter((server) => server.process !== null && !server.stopped);

    const client = async (index: number) => {
      let sequence = 0;
      while (Date.now() < deadline) {
        const from = pick(wallets);
        const peers = wallets.filter((wallet) => wallet.currencyId === from.currencyId && wallet.id !== from.id);
        const operation: Operation = {
          key: `chaos-${seedUsed}-${index}-${sequence++}`,
          body: { fromWalletId: from.id, toWalletId: pick(peers).id, amount: String(1 + Math.floor(random() * 30_000)) },
          outcome: 'unknown',
          transactionId: null,
          refusal: null,
          resolvedLate: false,
        };
        const targets = live();
        if (targets.length === 0) {
          await sleep(100);
          continue;
        }
        operations.push(operation);
        await attempt(pick(targets), operation);
        if (operation.outcome === 'unknown') await sleep(50);
      }
    };

    const snapshots = async () => {
      while (Date.now() < deadline) {
        // A fresh connection per snapshot: PostgreSQL is restarted under our feet.
        const snapshotClient = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 2000 });
        snapshotClient.on('error', () => undefined);
        try {
          await snapshotClient.connect();
          const rows = await snapshotClient.query(
            `select currency_id, sum(credits_posted - debits_posted)::text as posted, sum(credits_pending - debits_pending)::text as pending
             from wallets where parent_wallet_id is null group by currency_id`,
          );
          counters.snapshots++;
          for (const row of rows.rows as { currency_id: string; posted: string; pending: string }[]) {
            if (row.posted !== '0' || row.pending !== '0') violations.push(`snapshot: currency ${row.currency_id} sums to posted ${row.posted}, pending ${row.pending}`);
          }
        } catch {
          counters.snapshotsFailed++;
        } finally {
          await snapshotClient.end().catch(() => undefined);
        }
        await sleep(500);
      }
    };

    const nemesis = async () => {
      await sleep(2000);
      while (Date.now() < deadline - 3000) {
        const fault = pick(['kill', 'kill', 'pause', 'database'] as const);
        if (fault === 'kill') {
          const victim = pick(servers.filter((server) => server.process !== null && !server.stopped));
          if (victim?.process) {
            victim.killed = true;
            victim.process.kill('SIGKILL');
            counters.kills++;
            await sleep(500 + random() * 1000);
            startServer(victim, cluster.url);
            victim.killed = false;
            counters.restarts++;
            await waitReady(victim).catch(() => undefined);
          }
        } else if (fault === 'pause') {
          const victim = pick(servers.filter((server) => server.process !== null && !server.stopped));
          if (victim?.process) {
            victim.process.kill('SIGSTOP');
            victim.stopped = true;
            counters.pauses++;
            await sleep(2000 + random() * 2000);
            victim.process?.kill('SIGCONT');
            victim.stopped = false;
          }
        } else {
          await cluster.crash().catch(() => undefined);
          counters.databaseRestarts++;
          await sleep(500 + random() * 1000);
          await cluster.start();
        }
        await sleep(1000 + random() * 2000);
      }
    };

    // Servers that die without being killed are findings, and are restarted so the run goes on.
    const watchdog = setInterval(() => {
      for (const server of servers) {
        if (server.process === null && !server.killed && Date.now() < deadline) {
          counters.unexpectedExits++;
          startServer(server, cluster.url);
        }
      }
    }, 1000);

    await Promise.all([...Array.from({ length: clientCount }, (_, index) => client(index)), snapshots(), nemesis()]);
    clearInterval(watchdog);

    // Heal: every server up and answering.
    for (const server of servers) {
      if (server.stopped) server.process?.kill('SIGCONT');
      server.stopped = false;
      if (server.process === null) startServer(server, cluster.url);
    }
    await Promise.all(servers.map((server) => waitReady(server, 180_000)));

    // Final read: replay every unknown request with its key until it has an answer. A key left
    // in flight by a killed server answers 409 until it times out (60 s); its work never
    // committed (the key is completed in the same database transaction as the work).
    const unknown = operations.filter((operation) => operation.outcome === 'unknown');
    const resolveDeadline = Date.now() + 180_000;
    const queue = [...unknown];
    const resolver = async () => {
      for (let operation = queue.shift(); operation !== undefined; operation = queue.shift()) {
        operation.resolvedLate = true;
        while (operation.outcome === 'unknown' && Date.now() < resolveDeadline) {
          await attempt(pick(servers), operation);
          if (operation.outcome === 'unknown') await sleep(1000);
        }
        if (operation.outcome === 'unknown') violations.push(`unresolved: operation ${operation.key} stayed unknown after replaying its key`);
      }
    };
    await Promise.all(Array.from({ length: clientCount }, () => resolver()));

    // Checks against the clients' record.
    const database = new pg.Client({ connectionString: cluster.url });
    database.on('error', () => undefined);
    await database.connect();
    const acknowledged = operations.filter((operation) => operation.outcome === 'ok');
    const transfers = await database.query<{ id: string; amount: string; from_wallet_id: string; to_wallet_id: string }>(`select id, amount::text, from_wallet_id, to_wallet_id from transactions where kind = 'transfer'`);
    const stored = new Map(transfers.rows.map((row) => [row.id, row]));
    const ackIds = new Set<string>();
    for (const operation of acknowledged) {
      const id = operation.transactionId as string;
      if (ackIds.has(id)) violations.push(`duplicate: transaction ${id} acknowledged to two requests`);
      ackIds.add(id);
      const row = stored.get(id);
      if (row === undefined) violations.push(`missing: acknowledged transaction ${id} (${operation.key}) is missing`);
      else if (row.amount !== operation.body.amount || row.from_wallet_id !== operation.body.fromWalletId || row.to_wallet_id !== operation.body.toWalletId) violations.push(`differs: transaction ${id} differs from its request`);
    }
    for (const id of stored.keys()) if (!ackIds.has(id)) violations.push(`phantom: transaction ${id} is in the ledger but no request was acknowledged with it (a refused request committed?)`);

    // Model: balances from the initial funding and the acknowledged transfers only.
    const model = new Map(initial);
    for (const operation of acknowledged) {
      const amount = BigInt(operation.body.amount);
      model.set(operation.body.fromWalletId, (model.get(operation.body.fromWalletId) ?? 0n) - amount);
      model.set(operation.body.toWalletId, (model.get(operation.body.toWalletId) ?? 0n) + amount);
    }
    for (const wallet of wallets) {
      const { json } = await steady(servers, 'GET', `/v1/wallets/${wallet.id}`);
      const balance = json.balance as { posted: string; available: string };
      if (BigInt(balance.posted) !== model.get(wallet.id)) violations.push(`model: wallet ${wallet.id} posted ${balance.posted}, model ${model.get(wallet.id)}`);
      if (BigInt(balance.available) < 0n) violations.push(`overdrawn: wallet ${wallet.id} is below its credit limit (${balance.available})`);
    }
    const verify = await steady(servers, 'GET', '/v1/reports/verify');
    if (verify.json.ok !== true) violations.push(`verify: ${String(verify.json.firstDiscrepancy)}`);
    const journal = verify.json.journal as { links: number; head: string } | undefined;
    const transactionCount = Number((await database.query<{ n: string }>('select count(*)::text as n from transactions')).rows[0]?.n);
    if (journal?.links !== transactionCount) violations.push(`journal: ${journal?.links} links for ${transactionCount} transactions`);
    await database.end();

    const rows: [string, string | number][] = [
      ['seed', seedUsed], ['seconds', seconds], ['servers', serverCount], ['clients', clientCount],
      ['requests sent', operations.length], ['acknowledged', acknowledged.length],
      ['refused', operations.filter((operation) => operation.outcome === 'refused').length],
      ['unknown, then resolved', unknown.filter((operation) => operation.outcome !== 'unknown').length],
      ['  of which committed', unknown.filter((operation) => operation.outcome === 'ok').length],
      ['server SIGKILLs', counters.kills], ['server restarts', counters.restarts], ['server SIGSTOPs', counters.pauses],
      ['PostgreSQL immediate restarts', counters.databaseRestarts], ['unexpected server exits', counters.unexpectedExits],
      ['invariant snapshots (failed reads)', `${counters.snapshots} (${counters.snapshotsFailed})`],
      ['journal head', journal?.head ?? '-'], ['elapsed s', Math.round((Date.now() - started) / 1000)], ['violations', violations.length],
    ];
    process.stdout.write(`\nCoffer chaos bank test\n${rows.map(([name, value]) => `  ${name.padEnd(36)} ${value}`).join('\n')}\n`);
    const kinds = new Map<string, number>();
    for (const violation of violations) kinds.set(violation.split(':')[0] as string, (kinds.get(violation.split(':')[0] as string) ?? 0) + 1);
    for (const [kind, count] of kinds) process.stdout.write(`  violations of kind "${kind}": ${count}\n`);
    for (const violation of violations.slice(0, 20)) process.stdout.write(`  VIOLATION: ${violation}\n`);
    return violations.length === 0 ? 0 : 1;
  } finally {
    for (const server of servers) {
      server.process?.kill('SIGCONT');
      server.process?.kill('SIGKILL');
    }
    await cluster.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.stack : String(error)}\n${serverErrors.join('')}`);
    process.exit(2);
  },
);
