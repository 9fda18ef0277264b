import pino from 'pino';
import type { Config } from '../config.js';
import { bootstrapAdminKey } from '../services/api-keys.js';
import { listenForApiKeyChanges } from '../services/api-key-invalidation.js';
import { startHoldExpiry } from '../services/hold-expiry.js';
import { cleanIdempotencyKeys } from '../services/idempotency.js';
import { sealEvents } from '../services/events.js';
import { encryptStoredSecrets, loadMasterSecret, secretKeysOf } from '../services/secrets.js';
import { startWebhookWorker } from '../services/webhook-worker.js';
import { openStore } from '../store/connect.js';
import { buildApp } from './app.js';
import { logSerializers } from './log-serializers.js';
import { createContext } from '../services/runtime.js';

const cleanupIntervalMs = 15 * 60_000;
/** The event feed lags a commit by at most this (readers also seal before reading). */
const sealIntervalMs = 200;

/**
 * Starts Coffer: opens and migrates the database, admits the admin key, listens, and on
 * SIGTERM/SIGINT stops taking requests, drains those in flight and closes the database.
 */
export async function startServer(config: Config): Promise<void> {
  const say = (line: string) => process.stdout.write(`coffer: ${line}\n`);
  const started = performance.now();
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
    serializers: logSerializers,
  });
  // Before anything else: on PostgreSQL without COFFER_SECRET_KEY this refuses to start (docs/security.md).
  const secretKey = await loadMasterSecret(config);
  if (config.databaseUrl !== undefined) say(`connecting to PostgreSQL at ${redactUrl(config.databaseUrl)}`);
  const onServer = (server: string) => logger.info({ server }, 'database server chosen');
  const store = await openStore({
    ...(config.databaseUrl !== undefined
      ? { databaseUrl: config.databaseUrl, onServer, ...(config.databaseReadUrl !== undefined ? { readUrl: config.databaseReadUrl } : {}) }
      : { dataDir: config.dataDir }),
    purpose: 'coffer serve',
    onProgress: say,
  });
  const context = createContext(store, { ...config, secretKey });
  const encrypted = await encryptStoredSecrets(store, secretKeysOf(context.config));
  if (encrypted > 0) logger.info({ endpoints: encrypted }, 'encrypted webhook signing secrets stored in plain text');
  const generated = await bootstrapAdminKey(store, config.adminKey, new Date());
  if (generated !== null) {
    // Printed once, on the terminal only: it is never logged and cannot be shown again.
    process.stdout.write(
      `\nCoffer created an admin API key. It is shown only this once; store it now:\n\n    ${generated}\n\n` +
        `Set COFFER_ADMIN_KEY to choose your own key instead.\n\n`,
    );
  }
  // A key revoked in any process stops working here within moments (LISTEN/NOTIFY).
  const keyChanges = await listenForApiKeyChanges(store);
  const app = await buildApp({ context, logger });
  const cleanup = setInterval(() => {
    cleanIdempotencyKeys(context).catch((error: unknown) => logger.warn({ err: error }, 'idempotency cleanup failed'));
  }, cleanupIntervalMs);
  cleanup.unref();
  await cleanIdempotencyKeys(context);
  // Due holds are released about once a second; several processes share the work safely.
  const holdExpiry = startHoldExpiry(store, context.clock, (error) => logger.warn({ err: error }, 'hold expiry failed'));
  const sealer = setInterval(() => {
    sealEvents(store, new Date()).catch((error: unknown) => logger.warn({ err: error }, 'event sealing failed'));
  }, sealIntervalMs);
  sealer.unref();
  const webhookWorker = startWebhookWorker(context, (error) => logger.warn({ err: error }, 'webhook delivery pass failed'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining requests in flight, then closing the database`);
    logger.info({ signal }, 'draining');
    // Requests are cut off after COFFER_REQUEST_TIMEOUT_MS anyway; this only guards against a hang.
    setTimeout(() => {
      say('did not drain in 9 s; exiting');
      process.exit(1);
    }, 9_000).unref();
    app.state.draining = true;
    clearInterval(cleanup);
    clearInterval(sealer);
    await app.close();
    await holdExpiry.stop();
    await webhookWorker.stop();
    // Requests already handed to group commit finish before the pool closes.
    await context.runtime.committer.drained();
    await keyChanges.stop();
    await store.close();
    logger.info('stopped');
    say('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  logger.info({ backend: store.backend, port: config.port, host: config.host }, 'Coffer is serving');
  say(
    `listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port} (${store.backend}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

/** A connection string without its password, to print. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
