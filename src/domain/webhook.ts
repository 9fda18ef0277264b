import type { EventType } from './event.js';

export const webhookStatuses = ['active', 'disabled'] as const;
export type WebhookStatus = (typeof webhookStatuses)[number];

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A registered receiver. Its signing secret is kept apart and shown only once, at creation. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly merchantId: string | null;
  readonly url: string;
  readonly description: string | null;
  /** The event types it receives; empty means every type. */
  readonly eventTypes: readonly EventType[];
  readonly status: WebhookStatus;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One event to one endpoint: retried under the same `webhook-id` until it succeeds or gives up. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface WebhookAttempt {
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly attemptedAt: Date;
}

export const webhookRetry = {
  attemptsMax: 10,
  firstDelayMs: 5_000,
  delayMaxMs: 3_600_000,
  /** A Retry-After longer than this is cut to it. */
  retryAfterMaxMs: 24 * 3_600_000,
} as const;

/**
 * The wait before the next attempt after `attempts` failed ones: exponential (5 s, 10 s, 20 s…
 * up to 1 h) with jitter (a uniform factor between 0.5 and 1, from `random` in [0, 1)) so that
 * receivers recovering from an outage are not hit by every retry at once. A Retry-After from
 * the receiver wins when given.
 */
export function retryDelayMs(attempts: number, random: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 0), webhookRetry.retryAfterMaxMs);
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(webhookRetry.firstDelayMs * 2 ** exponent, webhookRetry.delayMaxMs);
  return Math.floor(ceiling * (0.5 + random / 2));
}

/** Parses a Retry-After header: delay-seconds or an HTTP date, relative to `nowMs`; null if absent or unreadable. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^[0-9]{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(at - nowMs, 0);
}

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery;
  readonly url: string;
  /** The signing secret as stored (encrypted: services/secrets.ts). */
  readonly secret: string;
  /** The secret before the last rotation, while its grace period lasts (stored form), else null. */
  readonly previousSecret: string | null;
  readonly event: { readonly id: string; readonly position: bigint; readonly type: string; readonly data: unknown; readonly createdAt: Date };
}

export interface DeliveryOutcome {
  readonly status: DeliveryStatus;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly nextAttemptAt: Date | null;
  /** Set when the receiver answered 410 Gone: the endpoint is disabled with this reason. */
  readonly disableEndpoint: string | null;
}

export interface EndpointPatch {
  readonly url?: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly string[];
  readonly status?: WebhookStatus;
}
