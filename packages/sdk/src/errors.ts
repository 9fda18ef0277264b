import type { ErrorCode } from './codes.js';

/** One field that failed validation (problem+json `errors[]`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** `code` of a refusal: a code of the server's catalogue, or `http_error` for an answer that was not problem+json (a proxy's 502 page). */
export type CofferErrorCode = ErrorCode | 'http_error';

/**
 * The server refused: its problem+json answer (RFC 9457). `err instanceof CofferError` means the
 * server answered; switch on `code`, never on the text.
 */
export class CofferError extends Error {
  readonly status: number;
  readonly code: CofferErrorCode;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly requestId: string | undefined;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  /** The Idempotency-Key the call sent (non-GET calls): retry later with the same key to stay exactly-once. */
  readonly idempotencyKey: string | undefined;
  /** Seconds the server asked to wait (Retry-After), if any. */
  readonly retryAfterSeconds: number | undefined;

  constructor(fields: {
    status: number;
    code: CofferErrorCode;
    title: string;
    detail: string;
    errors?: readonly FieldError[] | undefined;
    requestId?: string | undefined;
    type?: string | undefined;
    instance?: string | undefined;
    idempotencyKey?: string | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(`${fields.status} ${fields.code}: ${fields.detail}`);
    this.name = 'CofferError';
    this.status = fields.status;
    this.code = fields.code;
    this.title = fields.title;
    this.detail = fields.detail;
    this.errors = fields.errors;
    this.requestId = fields.requestId;
    this.type = fields.type;
    this.instance = fields.instance;
    this.idempotencyKey = fields.idempotencyKey;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/**
 * The client could not get an answer (network failure or timeout): the request may or may not have
 * been applied. A non-GET call is safe to repeat with the same `idempotencyKey` (carried here).
 */
export class CofferClientError extends Error {
  /** The Idempotency-Key the call sent (non-GET calls). */
  readonly idempotencyKey: string | undefined;
  /** How many attempts were made (1 + retries). */
  readonly attempts: number;

  constructor(message: string, options: { cause?: unknown; idempotencyKey?: string | undefined; attempts: number }) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CofferClientError';
    this.idempotencyKey = options.idempotencyKey;
    this.attempts = options.attempts;
  }
}

/** The connection failed or broke before a whole answer arrived. */
export class CofferConnectionError extends CofferClientError {
  constructor(message: string, options: { cause?: unknown; idempotencyKey?: string | undefined; attempts: number }) {
    super(message, options);
    this.name = 'CofferConnectionError';
  }
}

/** No answer within the per-request timeout (`timeoutMs`) or the overall deadline (`deadlineMs`). */
export class CofferTimeoutError extends CofferClientError {
  constructor(message: string, options: { cause?: unknown; idempotencyKey?: string | undefined; attempts: number }) {
    super(message, options);
    this.name = 'CofferTimeoutError';
  }
}

/** A webhook failed verification: bad or missing headers, stale timestamp or no matching signature. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}
