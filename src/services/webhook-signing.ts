import { createHmac, randomBytes } from 'node:crypto';

/** Secrets are `whsec_` + base64 of 24 random bytes, as the Standard Webhooks libraries expect. */
export const webhookSecretPrefix = 'whsec_';

export function generateWebhookSecret(): string {
  return webhookSecretPrefix + randomBytes(24).toString('base64');
}

/**
 * Signs a delivery in the Standard Webhooks format: HMAC-SHA256, keyed with the base64-decoded
 * part of the secret, over `<webhook-id>.<webhook-timestamp>.<body>`; sent as `v1,<base64>`.
 */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(webhookSecretPrefix) ? secret.slice(webhookSecretPrefix.length) : secret, 'base64');
  const signature = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${signature}`;
}

/**
 * The headers of one delivery attempt; the id stays the same on every retry of a delivery.
 * During a secret rotation's grace period `secrets` holds the new and the previous secret: the
 * signatures are space-separated, as Standard Webhooks allows, so receivers verify with either.
 */
export function webhookHeaders(secrets: string | readonly string[], messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  const all = typeof secrets === 'string' ? [secrets] : secrets;
  return {
    'content-type': 'application/json',
    'user-agent': 'Coffer-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': all.map((secret) => signWebhook(secret, messageId, timestampSeconds, body)).join(' '),
  };
}
