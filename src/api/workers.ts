import cluster from 'node:cluster';
import type { Config } from '../config.js';
import { bootstrapAdminKey } from '../services/api-keys.js';
import { openStore } from '../store/connect.js';
import { startServer } from './server.js';

/** `--workers N` from the arguments of `coffer serve` (default 1; COFFER_WORKERS also sets it). */
export function workersOption(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const index = argv.indexOf('--workers');
  const inline = argv.find((arg) => arg.startsWith('--workers='));
  const raw = index >= 0 ? argv[index + 1] : inline !== undefined ? inline.slice('--workers='.length) : env.COFFER_WORKERS;
  if (raw === undefined || raw === '') return 1;
  const count = Number(raw);
  if (!Number.isSafeInteger(count) || count < 1 || count > 64) throw new Error(`--workers must be an integer from 1 to 64, got "${raw}"`);
  return count;
}

/** A worker that dies is started again, but not in a tight loop. */
const restartDelayMs = 1000;

/**
 * `coffer serve --workers N`: N server processes (node:cluster) sharing the port. Every worker is
 * an ordinary Coffer server: what must hold across processes (idempotency keys, group commit,
 * hold expiry, webhook delivery, the event feed, API-key revocation) is arranged through
 * PostgreSQL, exactly as for N processes behind a load balancer (docs/scaling.md). The primary
 * process migrates the schema and admits the admin key once (so a generated key is printed once),
 * then forks; it restarts a worker that dies and, on SIGTERM/SIGINT, lets every worker drain.
 * PGlite serves one process only, so more than one worker needs DATABASE_URL.
 */
export async function serveWorkers(count: number, config: Config): Promise<void> {
  if (count <= 1 || !cluster.isPrimary) return startServer(config);
  if (config.databaseUrl === undefined) throw new Error('--workers above 1 needs PostgreSQL (DATABASE_URL): the embedded database serves one process');
  const store = await openStore({ databaseUrl: config.databaseUrl, poolSize: 2 });
  try {
    const generated = await bootstrapAdminKey(store, config.adminKey, new Date());
    if (generated !== null) {
      process.stdout.write(
        `\nCoffer created an admin API key. It is shown only this once; store it now:\n\n    ${generated}\n\n` +
          `Set COFFER_ADMIN_KEY to choose your own key instead.\n\n`,
      );
    }
  } finally {
    await store.close();
  }
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`coffer: worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another\n`);
    setTimeout(fork, restartDelayMs);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let index = 0; index < count; index++) fork();
}
