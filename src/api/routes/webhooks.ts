import { Type } from 'typebox';
import { deliveryStatuses, type WebhookAttempt, type WebhookDelivery, type WebhookEndpoint, webhookStatuses } from '../../domain/webhook.js';
import { limits } from '../../domain/limits.js';
import type { RuntimeContext } from '../../services/runtime.js';
import {
  createWebhook,
  type DeliveryLogEntry,
  getWebhook,
  listDeliveries,
  listWebhooks,
  replayDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from '../../services/webhooks.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { errorResponses, IdParams, Nullable, Page, PageQuery, Timestamp, Uuid } from '../schemas/common.js';
import { EventType } from '../schemas/event.js';

const Webhook = Type.Object({
  id: Uuid,
  merchantId: Nullable(Type.String()),
  url: Type.String(),
  description: Nullable(Type.String()),
  eventTypes: Type.Array(EventType, { description: 'The event types sent; empty means all.' }),
  status: Type.Enum([...webhookStatuses]),
  disabledReason: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const WebhookCreate = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: limits.webhookUrlLengthMax }),
    description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
    eventTypes: Type.Optional(Type.Array(EventType, { maxItems: limits.webhookEventTypesMax })),
    merchantId: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: limits.identifierLengthMax, description: 'Admin keys only: the merchant whose events it receives.' })),
    ),
  },
  { additionalProperties: false },
);

const WebhookPatch = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: limits.webhookUrlLengthMax })),
    description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
    eventTypes: Type.Optional(Type.Array(EventType, { maxItems: limits.webhookEventTypesMax })),
    status: Type.Optional(Type.Enum([...webhookStatuses])),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Attempt = Type.Object({
  attempt: Type.Integer(),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
  attemptedAt: Timestamp,
});

const Delivery = Type.Object({
  id: Uuid,
  webhookId: Type.String({ description: 'The webhook-id header: the same on every retry and replay.' }),
  endpointId: Uuid,
  eventId: Uuid,
  eventType: Type.Optional(Type.String()),
  status: Type.Enum([...deliveryStatuses]),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  attemptLog: Type.Optional(Type.Array(Attempt)),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });

const SecretRotation = Type.Union([
  Type.Object(
    {
      gracePeriodSeconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: limits.webhookSecretGraceMaxSeconds,
          description: `How long the previous secret still signs deliveries (alongside the new one), in seconds; default ${limits.webhookSecretGraceDefaultSeconds} (24 hours).`,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

function presentWebhook(endpoint: WebhookEndpoint) {
  return { ...endpoint, eventTypes: [...endpoint.eventTypes], createdAt: endpoint.createdAt.toISOString(), updatedAt: endpoint.updatedAt.toISOString() };
}

function presentAttempt(attempt: WebhookAttempt) {
  return { ...attempt, attemptedAt: attempt.attemptedAt.toISOString() };
}

function presentDelivery(delivery: WebhookDelivery | DeliveryLogEntry) {
  const { attemptLog: _log, ...rest } = delivery as DeliveryLogEntry;
  return {
    ...rest,
    webhookId: `msg_${delivery.id}`,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    ...('attemptLog' in delivery ? { attemptLog: delivery.attemptLog.map(presentAttempt) } : {}),
  };
}

export function webhookRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['webhooks'];
  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Register a webhook endpoint; its whsec_ signing secret is shown once',
        body: WebhookCreate,
        response: { 201: Type.Object({ ...Webhook.properties, secret: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      return replyCreated(
        context,
        request,
        reply,
        async () => {
          const { endpoint, secret } = await createWebhook(context, request.actor, request.body);
          return { statusCode: 201, body: { ...presentWebhook(endpoint), secret } };
        },
        'secret',
      );
    },
  );
  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(Webhook), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listWebhooks(context, request.actor, request.query.cursor, request.query.limit);
      return { data: page.data.map(presentWebhook), nextCursor: page.nextCursor };
    },
  );
  app.get(
    '/v1/webhooks/:id',
    { schema: { tags, summary: 'Get a webhook endpoint', params: IdParams, response: { 200: Webhook, ...errorResponses } } },
    async (request) => {
      return presentWebhook(await getWebhook(context, request.actor, request.params.id));
    },
  );
  app.patch(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change URL, event types, description; disable or re-enable',
        params: IdParams,
        body: WebhookPatch,
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (request) => presentWebhook(await updateWebhook(context, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Delivery log of an endpoint, newest first, with every attempt',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(Delivery), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listDeliveries(context, request.actor, request.params.id, request.query.cursor, request.query.limit);
      return { data: page.data.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );
  app.post(
    '/v1/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret of a webhook endpoint; the new whsec_ secret is shown once',
        description:
          'Generates a new signing secret. Until previousSecretExpiresAt (gracePeriodSeconds, default 24 hours) every delivery carries two signatures, ' +
          'one with the new and one with the previous secret (space-separated in webhook-signature, as Standard Webhooks allows).',
        params: IdParams,
        body: SecretRotation,
        response: { 200: Type.Object({ ...Webhook.properties, secret: Type.String(), previousSecretExpiresAt: Timestamp }), ...errorResponses },
      },
    },
    async (request) => {
      const grace = request.body?.gracePeriodSeconds;
      const rotated = await rotateWebhookSecret(context, request.actor, request.params.id, grace ?? limits.webhookSecretGraceDefaultSeconds);
      return { ...presentWebhook(rotated.endpoint), secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt.toISOString() };
    },
  );
  app.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/replay',
    { schema: { tags, summary: 'Send a delivery again, with the same webhook-id', params: DeliveryParams, response: { 202: Delivery, ...errorResponses } } },
    async (request, reply) => reply.code(202).send(presentDelivery(await replayDelivery(context, request.actor, request.params.id, request.params.deliveryId))),
  );
}
