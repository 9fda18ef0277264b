import { WebhookVerificationError } from './errors.js';

/** Header values as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, in seconds (default 300: five minutes). */
  toleranceSeconds?: number;
  /** The current time (for tests). */
  now?: Date;
}

const secretPrefix = 'whsec_';

/** The body of a Coffer webhook delivery (Standard Webhooks shape plus the feed position). */
export interface WebhookPayload {
  /** The event id. */
  id: string;
  /** The event's position in the feed. */
  position: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key !== undefined ? record[key] : undefined;
  return Array.isArray(value) ? value.join(' ') : value;
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * Verifies a Coffer webhook delivery (Standard Webhooks): HMAC-SHA256 keyed with the base64 part of
 * the `whsec_` secret over `<webhook-id>.<webhook-timestamp>.<raw body>`, any of the space-separated
 * `v1,<base64>` signatures matching, and the timestamp within five minutes of now. Returns the
 * parsed event; throws `WebhookVerificationError` otherwise. Pass the raw body exactly as received.
 * Works in Node 20 and browsers (WebCrypto).
 */
export async function verifyWebhook<T = WebhookPayload>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || id === '' || timestamp === undefined || signatures === undefined || signatures === '') {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  if (!/^[0-9]+$/.test(timestamp.trim())) throw new WebhookVerificationError('Invalid webhook-timestamp header');
  const seconds = Number(timestamp.trim());
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (seconds < nowSeconds - tolerance) throw new WebhookVerificationError('Message timestamp too old');
  if (seconds > nowSeconds + tolerance) throw new WebhookVerificationError('Message timestamp too new');

  let key: Uint8Array;
  try {
    key = base64ToBytes(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret);
  } catch {
    throw new WebhookVerificationError('The secret is not whsec_ followed by base64');
  }
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new WebhookVerificationError('WebCrypto (crypto.subtle) is not available here');
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const cryptoKey = await subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signed = new Uint8Array(await subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(`${id}.${timestamp.trim()}.${body}`)));
  const expected = bytesToBase64(signed);
  let matched = false;
  for (const candidate of signatures.split(' ')) {
    const [version, signature] = candidate.split(',', 2);
    if (version === 'v1' && signature !== undefined && constantTimeEqual(signature, expected)) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('No matching signature found');
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new WebhookVerificationError('The payload is not JSON');
  }
}
