import { limits } from './domain/limits.js';
import type { GroupCommitSettings } from './services/group-commit.js';

/** Everything Coffer reads from the environment, read once at start and passed down. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly adminKey: string | undefined;
  readonly webhooksAllowPrivate: boolean;
  readonly logLevel: string;
  readonly requestTimeoutMs: number;
  readonly bodyBytesMax: number;
  readonly idempotencyTtlHours: number;
  /** Requests per minute per API key; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Money-moving requests per minute per API key, counted apart; 0 turns the limit off. */
  readonly rateLimitMoneyPerMinute: number;
  /** Group commit of money-moving requests (docs/performance.md): COFFER_GROUP_COMMIT=off disables it. */
  readonly groupCommit: GroupCommitSettings;
  /** How long a quote locks its rate (COFFER_QUOTE_TTL_SECONDS, default 30). */
  readonly quoteTtlSeconds: number;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function quoteTtl(value: string | undefined): number {
  const seconds = integer(value, limits.quoteTtlSecondsDefault, 'COFFER_QUOTE_TTL_SECONDS');
  if (seconds < 1 || seconds > limits.quoteTtlSecondsMax) throw new Error(`COFFER_QUOTE_TTL_SECONDS must be from 1 to ${limits.quoteTtlSecondsMax}, got "${value}"`);
  return seconds;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL === '' ? undefined : env.DATABASE_URL,
    dataDir: env.COFFER_DATA_DIR ?? './.coffer',
    adminKey: env.COFFER_ADMIN_KEY === '' ? undefined : env.COFFER_ADMIN_KEY,
    webhooksAllowPrivate: env.COFFER_WEBHOOKS_ALLOW_PRIVATE === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    requestTimeoutMs: integer(env.COFFER_REQUEST_TIMEOUT_MS, limits.requestTimeoutMs, 'COFFER_REQUEST_TIMEOUT_MS'),
    bodyBytesMax: integer(env.COFFER_BODY_LIMIT_BYTES, limits.bodyBytesMax, 'COFFER_BODY_LIMIT_BYTES'),
    idempotencyTtlHours: integer(env.COFFER_IDEMPOTENCY_TTL_HOURS, limits.idempotencyTtlHours, 'COFFER_IDEMPOTENCY_TTL_HOURS'),
    rateLimitPerMinute: integer(env.COFFER_RATE_LIMIT_PER_MINUTE, limits.rateLimitPerMinute, 'COFFER_RATE_LIMIT_PER_MINUTE'),
    rateLimitMoneyPerMinute: integer(env.COFFER_RATE_LIMIT_MONEY_PER_MINUTE, limits.rateLimitMoneyPerMinute, 'COFFER_RATE_LIMIT_MONEY_PER_MINUTE'),
    groupCommit: {
      enabled: env.COFFER_GROUP_COMMIT !== 'off',
      waitMs: Math.min(integer(env.COFFER_GROUP_COMMIT_WAIT_MS, limits.groupCommitWaitMs, 'COFFER_GROUP_COMMIT_WAIT_MS'), limits.groupCommitWaitMsMax),
      sizeMax: Math.max(1, integer(env.COFFER_GROUP_COMMIT_SIZE_MAX, limits.groupCommitSizeMax, 'COFFER_GROUP_COMMIT_SIZE_MAX')),
      concurrencyMax: Math.max(1, integer(env.COFFER_GROUP_COMMIT_CONCURRENCY, limits.groupCommitConcurrencyMax, 'COFFER_GROUP_COMMIT_CONCURRENCY')),
    },
    quoteTtlSeconds: quoteTtl(env.COFFER_QUOTE_TTL_SECONDS),
  };
}
