import type { Actor } from '../domain/api-key.js';
import type { EventType } from '../domain/event.js';
import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookStatus } from '../domain/webhook.js';
import type { TxStore } from '../domain/store-port.js';
import { canSee, notFound, owningMerchant } from './access.js';
import { changesOf, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { newId } from './ids.js';
import { decodeCursor, type Page, pageSize, toPage, uuidPattern } from './pagination.js';
import { checkWebhookDestination } from './webhook-destination.js';
import { encryptSecret, secretKeysOf } from './secrets.js';
import { generateWebhookSecret } from './webhook-signing.js';

export interface WebhookInput {
  readonly url: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly EventType[];
  /** Admin keys may register an endpoint for one merchant; a merchant key's endpoint is its own. */
  readonly merchantId?: string | null;
}

const auditedFields = ['url', 'description', 'eventTypes', 'status', 'disabledReason', 'merchantId'] as const;

function webhookAudit(action: string, before: WebhookEndpoint | null, after: WebhookEndpoint) {
  return { action, subjectType: 'webhook', subjectId: after.id, merchantId: after.merchantId, changes: changesOf(before, after, auditedFields) };
}

/** Registers an endpoint; returns it with its signing secret, shown this once. */
export async function createWebhook(ctx: ServiceContext, actor: Actor, input: WebhookInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = await checkWebhookDestination(input.url, ctx.config.webhooksAllowPrivate);
  const now = ctx.clock();
  const endpoint: WebhookEndpoint = {
    id: newId(now.getTime()),
    merchantId: owningMerchant(actor, input.merchantId),
    url: url.toString(),
    description: input.description ?? null,
    eventTypes: [...new Set(input.eventTypes ?? [])],
    status: 'active',
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
  };
  const secret = generateWebhookSecret();
  await ctx.store.transaction(async (tx) => {
    await tx.insertWebhookEndpoint(endpoint, encryptSecret(secretKeysOf(ctx.config).webhookSecrets, secret), actor.apiKeyId);
    await recordAudit(tx, actor, webhookAudit('webhook.created', null, endpoint), now);
  });
  return { endpoint, secret };
}

async function visibleEndpoint(tx: Pick<TxStore, 'getWebhookEndpoint'>, actor: Actor, id: string): Promise<WebhookEndpoint> {
  const endpoint = await tx.getWebhookEndpoint(id);
  if (endpoint === null || !canSee(actor, endpoint.merchantId)) throw notFound('webhook', id);
  return endpoint;
}

export function getWebhook(ctx: ServiceContext, actor: Actor, id: string): Promise<WebhookEndpoint> {
  return visibleEndpoint(ctx.store.read, actor, id);
}

export async function listWebhooks(ctx: ServiceContext, actor: Actor, cursor?: string, limit?: number): Promise<Page<WebhookEndpoint>> {
  const size = pageSize(limit);
  const afterId = decodeCursor(cursor, uuidPattern) ?? null;
  const rows = await ctx.store.read.listWebhookEndpoints(actor.role === 'admin' ? null : (actor.merchantId ?? ''), afterId, size + 1);
  return toPage(rows, size, (endpoint) => endpoint.id);
}

export interface WebhookPatch {
  readonly url?: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly EventType[];
  readonly status?: WebhookStatus;
}

/** Changes an endpoint; `status: active` re-enables one that a 410 or its owner disabled. */
export async function updateWebhook(ctx: ServiceContext, actor: Actor, id: string, patch: WebhookPatch): Promise<WebhookEndpoint> {
  await visibleEndpoint(ctx.store.read, actor, id);
  const url = patch.url !== undefined ? (await checkWebhookDestination(patch.url, ctx.config.webhooksAllowPrivate)).toString() : undefined;
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock();
    await tx.lockRow('webhook_endpoints', id);
    const before = await visibleEndpoint(tx, actor, id);
    const updated = await tx.updateWebhookEndpoint(id, { ...patch, ...(url !== undefined ? { url } : {}) }, now);
    if (updated === null) throw notFound('webhook', id);
    await recordAudit(tx, actor, webhookAudit('webhook.updated', before, updated), now);
    return updated;
  });
}

export type DeliveryLogEntry = WebhookDelivery & { readonly eventType: string; readonly attemptLog: readonly WebhookAttempt[] };

/** The delivery log of one endpoint, newest first, each delivery with its attempts. */
export async function listDeliveries(ctx: ServiceContext, actor: Actor, endpointId: string, cursor?: string, limit?: number): Promise<Page<DeliveryLogEntry>> {
  await visibleEndpoint(ctx.store.read, actor, endpointId);
  const size = pageSize(limit);
  const beforeId = decodeCursor(cursor, uuidPattern) ?? null;
  const rows = await ctx.store.read.listWebhookDeliveries(endpointId, beforeId, size + 1);
  return toPage(rows, size, (delivery) => delivery.id);
}

/** Sends a delivery again (same `webhook-id`), as soon as the worker next runs. */
export async function replayDelivery(ctx: ServiceContext, actor: Actor, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
  const endpoint = await visibleEndpoint(ctx.store.read, actor, endpointId);
  return ctx.store.transaction(async (tx) => {
    const existing = await tx.getWebhookDelivery(deliveryId);
    if (existing === null || existing.endpointId !== endpointId) throw notFound('delivery', deliveryId);
    if (existing.status === 'pending') throw new CofferError('webhook_delivery_pending', `Delivery ${deliveryId} is already waiting to be sent.`);
    const now = ctx.clock();
    const replayed = await tx.replayWebhookDelivery(deliveryId, now);
    if (replayed === null) throw notFound('delivery', deliveryId);
    await recordAudit(
      tx,
      actor,
      {
        action: 'webhook_delivery.replayed',
        subjectType: 'webhook_delivery',
        subjectId: deliveryId,
        merchantId: endpoint.merchantId,
        changes: { status: { before: existing.status, after: 'pending' } },
      },
      now,
    );
    return replayed;
  });
}

/**
 * Gives an endpoint a new signing secret, shown this once. Until `graceSeconds` have passed,
 * deliveries are signed with both the new and the previous secret (Standard Webhooks allows
 * several signatures), so the receiver can switch without losing a delivery.
 */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  graceSeconds: number = limits.webhookSecretGraceDefaultSeconds,
): Promise<{ endpoint: WebhookEndpoint; secret: string; previousSecretExpiresAt: Date }> {
  const secret = generateWebhookSecret();
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock();
    await tx.lockRow('webhook_endpoints', id);
    const endpoint = await visibleEndpoint(tx, actor, id);
    const previousSecretExpiresAt = new Date(now.getTime() + graceSeconds * 1000);
    if (!(await tx.rotateWebhookSecret(id, encryptSecret(secretKeysOf(ctx.config).webhookSecrets, secret), previousSecretExpiresAt, now)))
      throw notFound('webhook', id);
    await recordAudit(
      tx,
      actor,
      { action: 'webhook.secret_rotated', subjectType: 'webhook', subjectId: id, merchantId: endpoint.merchantId, changes: {} },
      now,
    );
    return { endpoint: { ...endpoint, updatedAt: now }, secret, previousSecretExpiresAt };
  });
}
