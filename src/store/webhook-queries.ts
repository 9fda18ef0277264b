import type { EventType } from '../domain/event.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryStatus,
  EndpointPatch,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookStatus,
} from '../domain/webhook.js';
import type { Queryable, Row } from './database.js';
import { big, date, dateOrNull, json, text, textOrNull } from './rows.js';

function toEndpoint(row: Row): WebhookEndpoint {
  return {
    id: text(row.id),
    merchantId: textOrNull(row.merchant_id),
    url: text(row.url),
    description: textOrNull(row.description),
    eventTypes: (row.event_types as string[]).map((type) => type as EventType),
    status: text(row.status) as WebhookStatus,
    disabledReason: textOrNull(row.disabled_reason),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

function toDelivery(row: Row): WebhookDelivery {
  return {
    id: text(row.id),
    endpointId: text(row.endpoint_id),
    eventId: text(row.event_id),
    status: text(row.status) as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: dateOrNull(row.next_attempt_at),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: textOrNull(row.last_error),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

function toAttempt(row: Row): WebhookAttempt {
  return {
    attempt: Number(row.attempt),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    error: textOrNull(row.error),
    durationMs: Number(row.duration_ms),
    attemptedAt: date(row.attempted_at),
  };
}

export function webhookQueries(db: Queryable) {
  return {
    async insertWebhookEndpoint(endpoint: WebhookEndpoint, secret: string, apiKeyId: string | null): Promise<void> {
      await db.query(
        `insert into webhook_endpoints (id, merchant_id, url, description, event_types, secret, status, api_key_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          endpoint.id,
          endpoint.merchantId,
          endpoint.url,
          endpoint.description,
          endpoint.eventTypes,
          secret,
          endpoint.status,
          apiKeyId,
          endpoint.createdAt,
          endpoint.updatedAt,
        ],
      );
    },

    /** The endpoints whose signing secrets are still stored in plain text (written before migration 008). */
    async plaintextWebhookSecrets(): Promise<{ id: string; secret: string; previousSecret: string | null }[]> {
      const rows = await db.query(
        `select id, secret, previous_secret from webhook_endpoints where secret not like 'v1:%' or (previous_secret is not null and previous_secret not like 'v1:%') for update`,
      );
      return rows.map((row) => ({ id: text(row.id), secret: text(row.secret), previousSecret: textOrNull(row.previous_secret) }));
    },

    async allWebhookSecrets(): Promise<{ id: string; secret: string; previousSecret: string | null }[]> {
      const rows = await db.query('select id, secret, previous_secret from webhook_endpoints order by id for update');
      return rows.map((row) => ({ id: text(row.id), secret: text(row.secret), previousSecret: textOrNull(row.previous_secret) }));
    },

    async setWebhookSecrets(id: string, secret: string, previousSecret: string | null): Promise<void> {
      await db.query('update webhook_endpoints set secret = $2, previous_secret = $3 where id = $1', [id, secret, previousSecret]);
    },

    /** A new signing secret (stored form); the current one stays valid, as `previous_secret`, until `previousExpiresAt`. */
    async rotateWebhookSecret(id: string, secret: string, previousExpiresAt: Date, now: Date): Promise<boolean> {
      const rows = await db.query(
        `update webhook_endpoints set previous_secret = secret, previous_secret_expires_at = $3, secret = $2, updated_at = $4 where id = $1 returning id`,
        [id, secret, previousExpiresAt, now],
      );
      return rows.length === 1;
    },

    async getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null> {
      const rows = await db.query('select * from webhook_endpoints where id = $1', [id]);
      return rows[0] === undefined ? null : toEndpoint(rows[0]);
    },

    async listWebhookEndpoints(merchantId: string | null, afterId: string | null, limit: number): Promise<WebhookEndpoint[]> {
      const rows = await db.query(
        'select * from webhook_endpoints where ($1::text is null or merchant_id = $1) and ($2::uuid is null or id > $2) order by id limit $3',
        [merchantId, afterId, limit],
      );
      return rows.map(toEndpoint);
    },

    async updateWebhookEndpoint(id: string, patch: EndpointPatch, now: Date): Promise<WebhookEndpoint | null> {
      const rows = await db.query(
        `update webhook_endpoints set
           url = coalesce($2, url),
           description = case when $3::boolean then $4 else description end,
           event_types = coalesce($5, event_types),
           status = coalesce($6, status),
           disabled_reason = case when $6 = 'active' then null when $6 = 'disabled' then 'disabled by request' else disabled_reason end,
           updated_at = $7
         where id = $1 returning *`,
        [id, patch.url ?? null, patch.description !== undefined, patch.description ?? null, patch.eventTypes ?? null, patch.status ?? null, now],
      );
      return rows[0] === undefined ? null : toEndpoint(rows[0]);
    },

    /**
     * Claims due deliveries of active endpoints for this process: `for update skip locked` lets
     * several processes claim at once without taking the same row, and the lease makes a delivery
     * whose process died due again once it runs out. The attempt is counted at claim time.
     */
    async claimWebhookDeliveries(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      const rows = await db.query(
        `with due as (
           select delivery.id from webhook_deliveries delivery join webhook_endpoints endpoint on endpoint.id = delivery.endpoint_id
           where delivery.status = 'pending' and endpoint.status = 'active' and delivery.next_attempt_at <= $1
             and (delivery.lease_until is null or delivery.lease_until <= $1)
           order by delivery.next_attempt_at, delivery.id limit $3
           for update of delivery skip locked
         ), claimed as (
           update webhook_deliveries set lease_until = $2, attempts = attempts + 1, updated_at = $1
           from due where webhook_deliveries.id = due.id returning webhook_deliveries.*
         )
         select claimed.*, endpoint.url as endpoint_url, endpoint.secret as endpoint_secret,
                case when endpoint.previous_secret_expires_at > $1 then endpoint.previous_secret end as endpoint_previous_secret,
                event.position as event_position, event.type as event_type, event.data as event_data, event.created_at as event_created_at
         from claimed join webhook_endpoints endpoint on endpoint.id = claimed.endpoint_id join events event on event.id = claimed.event_id`,
        [now, leaseUntil, limit],
      );
      return rows.map((row) => ({
        delivery: toDelivery(row),
        url: text(row.endpoint_url),
        secret: text(row.endpoint_secret),
        previousSecret: textOrNull(row.endpoint_previous_secret),
        event: {
          id: text(row.event_id),
          position: big(row.event_position),
          type: text(row.event_type),
          data: json<unknown>(row.event_data),
          createdAt: date(row.event_created_at),
        },
      }));
    },

    async recordWebhookOutcome(delivery: WebhookDelivery, outcome: DeliveryOutcome, now: Date): Promise<void> {
      await db.query('insert into webhook_attempts (delivery_id, attempt, status_code, error, duration_ms, attempted_at) values ($1, $2, $3, $4, $5, $6)', [
        delivery.id,
        delivery.attempts,
        outcome.statusCode,
        outcome.error,
        outcome.durationMs,
        now,
      ]);
      await db.query(
        `update webhook_deliveries set status = $2, next_attempt_at = $3, lease_until = null, last_status_code = $4, last_error = $5, updated_at = $6
         where id = $1`,
        [delivery.id, outcome.status, outcome.nextAttemptAt, outcome.statusCode, outcome.error, now],
      );
      if (outcome.disableEndpoint !== null) {
        await db.query(`update webhook_endpoints set status = 'disabled', disabled_reason = $2, updated_at = $3 where id = $1`, [
          delivery.endpointId,
          outcome.disableEndpoint,
          now,
        ]);
      }
    },

    async listWebhookDeliveries(
      endpointId: string,
      beforeId: string | null,
      limit: number,
    ): Promise<(WebhookDelivery & { eventType: string; attemptLog: WebhookAttempt[] })[]> {
      const rows = await db.query(
        `select delivery.*, event.type as event_type from webhook_deliveries delivery join events event on event.id = delivery.event_id
         where delivery.endpoint_id = $1 and ($2::uuid is null or delivery.id < $2) order by delivery.id desc limit $3`,
        [endpointId, beforeId, limit],
      );
      const ids = rows.map((row) => text(row.id));
      const attempts = ids.length === 0 ? [] : await db.query('select * from webhook_attempts where delivery_id = any($1::uuid[]) order by id', [ids]);
      return rows.map((row) => ({
        ...toDelivery(row),
        eventType: text(row.event_type),
        attemptLog: attempts.filter((attempt) => text(attempt.delivery_id) === text(row.id)).map(toAttempt),
      }));
    },

    async getWebhookDelivery(id: string): Promise<WebhookDelivery | null> {
      const rows = await db.query('select * from webhook_deliveries where id = $1', [id]);
      return rows[0] === undefined ? null : toDelivery(rows[0]);
    },

    /** Makes a delivery due now again (a replay): same delivery, so the same `webhook-id`. */
    async replayWebhookDelivery(id: string, now: Date): Promise<WebhookDelivery | null> {
      const rows = await db.query(
        `update webhook_deliveries set status = 'pending', next_attempt_at = $2, lease_until = null, updated_at = $2 where id = $1 returning *`,
        [id, now],
      );
      return rows[0] === undefined ? null : toDelivery(rows[0]);
    },
  };
}
