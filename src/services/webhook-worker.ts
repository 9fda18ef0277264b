import { parseRetryAfterMs, retryDelayMs, webhookRetry, type ClaimedDelivery, type DeliveryOutcome } from '../domain/webhook.js';
import { isCofferError } from '../domain/errors.js';
import type { ServiceContext } from './context.js';
import { sealEvents } from './events.js';
import { decryptSecret, secretKeysOf } from './secrets.js';
import { postToWebhook, type Resolver } from './webhook-destination.js';
import { webhookHeaders } from './webhook-signing.js';

export interface DeliveryRunOptions {
  /** The instant of this run (tests move it forward to make retries due). */
  readonly now?: Date;
  /** How host names are resolved; the system resolver by default (tests inject one whose answer changes). */
  readonly resolver?: Resolver;
  /** A number in [0, 1) for the jitter; Math.random by default. */
  readonly random?: () => number;
  readonly batchSize?: number;
  /** How long a claimed delivery belongs to this process before another may take it. */
  readonly leaseMs?: number;
  readonly timeoutMs?: number;
}

export const deliveryDefaults = { batchSize: 50, leaseMs: 60_000, timeoutMs: 10_000, pollMs: 1_000 } as const;

/** The body of a delivery: the Standard Webhooks payload shape (type, timestamp, data) plus the feed position. */
export function deliveryBody(claimed: ClaimedDelivery): string {
  const { event } = claimed;
  return JSON.stringify({ id: event.id, position: event.position.toString(), type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}

/** The `webhook-id` of a delivery: one per event and endpoint, the same on every retry and replay. */
export function messageId(claimed: ClaimedDelivery): string {
  return `msg_${claimed.delivery.id}`;
}

/** The secrets a delivery is signed with: the current one, and the previous one during a rotation's grace period. */
function signingSecrets(ctx: ServiceContext, claimed: ClaimedDelivery): string[] {
  const key = secretKeysOf(ctx.config).webhookSecrets;
  const secrets = [decryptSecret(key, claimed.secret)];
  if (claimed.previousSecret !== null) secrets.push(decryptSecret(key, claimed.previousSecret));
  return secrets;
}

async function send(ctx: ServiceContext, claimed: ClaimedDelivery, options: DeliveryRunOptions, now: Date): Promise<DeliveryOutcome> {
  const started = Date.now();
  const attempts = claimed.delivery.attempts;
  const retry = (statusCode: number | null, error: string | null, retryAfterMs: number | null): DeliveryOutcome => {
    const durationMs = Date.now() - started;
    if (attempts >= webhookRetry.attemptsMax) return { status: 'failed', statusCode, error, durationMs, nextAttemptAt: null, disableEndpoint: null };
    const delayMs = retryDelayMs(attempts, (options.random ?? Math.random)(), retryAfterMs);
    return { status: 'pending', statusCode, error, durationMs, nextAttemptAt: new Date(now.getTime() + delayMs), disableEndpoint: null };
  };
  const body = deliveryBody(claimed);
  try {
    // The destination is judged on the connection itself (webhook-destination.ts): what was checked is what is reached.
    const response = await postToWebhook(
      claimed.url,
      webhookHeaders(signingSecrets(ctx, claimed), messageId(claimed), Math.floor(now.getTime() / 1000), body),
      body,
      {
        allowPrivate: ctx.config.webhooksAllowPrivate,
        timeoutMs: options.timeoutMs ?? deliveryDefaults.timeoutMs,
        ...(options.resolver !== undefined ? { resolver: options.resolver } : {}),
      },
    );
    const durationMs = Date.now() - started;
    if (response.status >= 200 && response.status < 300)
      return { status: 'succeeded', statusCode: response.status, error: null, durationMs, nextAttemptAt: null, disableEndpoint: null };
    if (response.status === 410) {
      return {
        status: 'failed',
        statusCode: 410,
        error: 'the receiver answered 410 Gone',
        durationMs,
        nextAttemptAt: null,
        disableEndpoint: 'the receiver answered 410 Gone',
      };
    }
    return retry(response.status, `the receiver answered ${response.status}`, parseRetryAfterMs(response.retryAfter, now.getTime()));
  } catch (error) {
    if (isCofferError(error)) return retry(null, error.detail, null);
    return retry(null, error instanceof Error ? error.message.slice(0, 300) : 'request failed', null);
  }
}

/**
 * One pass of the delivery worker: seals new events (which queues their deliveries), claims the
 * due deliveries, sends them concurrently and records each outcome. Returns how many it sent.
 * Safe to run in several processes at once: claims skip rows another process holds.
 */
export async function deliverDue(ctx: ServiceContext, options: DeliveryRunOptions = {}): Promise<number> {
  const now = options.now ?? ctx.clock();
  await sealEvents(ctx.store, now);
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? deliveryDefaults.leaseMs));
  const claimed = await ctx.store.transaction((tx) => tx.claimWebhookDeliveries(now, leaseUntil, options.batchSize ?? deliveryDefaults.batchSize));
  await Promise.all(
    claimed.map(async (delivery) => {
      const outcome = await send(ctx, delivery, options, now);
      await ctx.store.transaction((tx) => tx.recordWebhookOutcome(delivery.delivery, outcome, now));
    }),
  );
  return claimed.length;
}

/** Runs the worker until stopped: a pass every `pollMs`, straight again while there was work. */
export function startWebhookWorker(
  ctx: ServiceContext,
  onError: (error: unknown) => void,
  pollMs: number = deliveryDefaults.pollMs,
): { stop(): Promise<void> } {
  let running = true;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (running) {
      let sent = 0;
      try {
        sent = await deliverDue(ctx);
      } catch (error) {
        onError(error);
      }
      if (sent === 0 && running) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, pollMs).unref();
        });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      wake();
      await loop;
    },
  };
}
