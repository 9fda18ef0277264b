import { type IbanPlan, isValidRoutingNumber, parseIbanPlans } from './domain/bank-identifiers.js';
import { parseCardsPerProgram } from './domain/card.js';
import { limits } from './domain/limits.js';

/** How concurrent money-moving requests are coalesced; read once from the environment (see config.ts). */
export interface GroupCommitSettings {
  /** false: every request gets its own database transaction, as without group commit. */
  readonly enabled: boolean;
  /** Longest a request waits for neighbours while another group is running; an idle service starts at once. */
  readonly waitMs: number;
  /** Most requests in one database transaction (each writing request takes a subtransaction). */
  readonly sizeMax: number;
  /** Most groups committing at the same time (each holds one pooled connection). */
  readonly concurrencyMax: number;
}

/** Everything Coffer reads from the environment, read once at start and passed down. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  /** A streaming replica for statements, lists, reports and the event feed (DATABASE_READ_URL; docs/scaling.md). */
  readonly databaseReadUrl: string | undefined;
  readonly dataDir: string;
  readonly adminKey: string | undefined;
  /**
   * The master secret that protects secrets at rest (COFFER_SECRET_KEY, at least 32 characters).
   * Undefined until the server resolves it at start (services/secrets.ts `loadMasterSecret`:
   * the embedded database generates a key file; PostgreSQL refuses to start without it).
   */
  readonly secretKey: string | undefined;
  readonly webhooksAllowPrivate: boolean;
  readonly logLevel: string;
  readonly requestTimeoutMs: number;
  readonly bodyBytesMax: number;
  readonly idempotencyTtlHours: number;
  /** Bank identifiers generated for new wallets (see docs/holds-and-wallet-lifecycle.md). */
  readonly instruments: {
    readonly ibanPlans: ReadonlyMap<string, IbanPlan>;
    readonly ukSortCode: string;
    readonly usRoutingNumber: string;
  };
  readonly cards: {
    /** The first 6 to 8 digits of every card number issued. */
    readonly bin: string;
    /** Programs allowed more than one active card per wallet. */
    readonly perProgram: ReadonlyMap<string, number>;
  };
  /** Failed authentications per client address per minute before 429 (COFFER_AUTH_FAILURES_PER_MINUTE; 0 turns it off). */
  readonly authFailuresPerMinute: number;
  /** Fastify's trustProxy (COFFER_TRUST_PROXY): whose X-Forwarded-For names the client address. */
  readonly trustProxy: boolean | string | number;
  /** How long a valid API key is remembered between requests (COFFER_API_KEY_CACHE_MS; 0 looks every request up). */
  readonly apiKeyCacheMs: number;
  /** Group commit of money-moving requests (docs/performance.md): COFFER_GROUP_COMMIT=off disables it. */
  readonly groupCommit: GroupCommitSettings;
  /** How long a quote locks its rate (COFFER_QUOTE_TTL_SECONDS, default 30). */
  readonly quoteTtlSeconds: number;
}

function matching(value: string | undefined, fallback: string, pattern: RegExp, name: string): string {
  const chosen = value === undefined || value === '' ? fallback : value;
  if (!pattern.test(chosen)) throw new Error(`${name} must match ${pattern}, got "${chosen}"`);
  return chosen;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function quoteTtl(value: string | undefined): number {
  const seconds = integer(value, limits.quoteTtlSecondsDefault, 'COFFER_QUOTE_TTL_SECONDS');
  if (seconds < 1 || seconds > limits.quoteTtlSecondsMax)
    throw new Error(`COFFER_QUOTE_TTL_SECONDS must be from 1 to ${limits.quoteTtlSecondsMax}, got "${value}"`);
  return seconds;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL === '' ? undefined : env.DATABASE_URL,
    databaseReadUrl: env.DATABASE_READ_URL === '' ? undefined : env.DATABASE_READ_URL,
    dataDir: env.COFFER_DATA_DIR ?? './.coffer',
    adminKey: adminKey(env.COFFER_ADMIN_KEY),
    secretKey: secretKey(env.COFFER_SECRET_KEY),
    webhooksAllowPrivate: env.COFFER_WEBHOOKS_ALLOW_PRIVATE === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    requestTimeoutMs: integer(env.COFFER_REQUEST_TIMEOUT_MS, limits.requestTimeoutMs, 'COFFER_REQUEST_TIMEOUT_MS'),
    bodyBytesMax: integer(env.COFFER_BODY_LIMIT_BYTES, limits.bodyBytesMax, 'COFFER_BODY_LIMIT_BYTES'),
    idempotencyTtlHours: integer(env.COFFER_IDEMPOTENCY_TTL_HOURS, limits.idempotencyTtlHours, 'COFFER_IDEMPOTENCY_TTL_HOURS'),
    instruments: {
      ibanPlans: parseIbanPlans(env.COFFER_IBAN_CURRENCIES ?? 'EUR:DE:37040044,BGN:BG:COFF0001'),
      ukSortCode: matching(env.COFFER_UK_SORT_CODE, '040004', /^[0-9]{6}$/, 'COFFER_UK_SORT_CODE'),
      usRoutingNumber: routingNumber(env.COFFER_US_ROUTING_NUMBER),
    },
    cards: {
      bin: matching(env.COFFER_CARD_BIN, '400000', /^[0-9]{6,8}$/, 'COFFER_CARD_BIN'),
      perProgram: parseCardsPerProgram(env.COFFER_CARDS_PER_PROGRAM ?? ''),
    },
    apiKeyCacheMs: Math.min(integer(env.COFFER_API_KEY_CACHE_MS, limits.apiKeyCacheMs, 'COFFER_API_KEY_CACHE_MS'), limits.apiKeyCacheMsMax),
    authFailuresPerMinute: integer(env.COFFER_AUTH_FAILURES_PER_MINUTE, limits.authFailuresPerMinute, 'COFFER_AUTH_FAILURES_PER_MINUTE'),
    trustProxy: trustProxy(env.COFFER_TRUST_PROXY),
    groupCommit: {
      enabled: env.COFFER_GROUP_COMMIT !== 'off',
      waitMs: Math.min(integer(env.COFFER_GROUP_COMMIT_WAIT_MS, limits.groupCommitWaitMs, 'COFFER_GROUP_COMMIT_WAIT_MS'), limits.groupCommitWaitMsMax),
      sizeMax: Math.max(1, integer(env.COFFER_GROUP_COMMIT_SIZE_MAX, limits.groupCommitSizeMax, 'COFFER_GROUP_COMMIT_SIZE_MAX')),
      concurrencyMax: Math.max(1, integer(env.COFFER_GROUP_COMMIT_CONCURRENCY, limits.groupCommitConcurrencyMax, 'COFFER_GROUP_COMMIT_CONCURRENCY')),
    },
    quoteTtlSeconds: quoteTtl(env.COFFER_QUOTE_TTL_SECONDS),
  };
}

function adminKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < limits.adminKeyLengthMin || value.length > 200 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new Error(
      `COFFER_ADMIN_KEY must be ${limits.adminKeyLengthMin} to 200 printable characters without spaces (got ${value.length} characters). ` +
        "Generate one with: node -e \"console.log('coffer_sk_' + crypto.randomBytes(32).toString('base64url'))\"",
    );
  }
  return value;
}

/** "true", a hop count, or a comma-separated list of proxy addresses/CIDRs; off by default. */
function trustProxy(value: string | undefined): boolean | string | number {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value;
}

function routingNumber(value: string | undefined): string {
  const chosen = value === undefined || value === '' ? '123456780' : value;
  if (!isValidRoutingNumber(chosen)) throw new Error(`COFFER_US_ROUTING_NUMBER must be 9 digits passing the ABA checksum, got "${chosen}"`);
  return chosen;
}

function secretKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new Error(`COFFER_SECRET_KEY must be at least 32 characters (e.g. 64 hex digits: openssl rand -hex 32); it is ${value.length}.`);
  return value;
}
