import { CofferConnectionError, CofferError, type CofferErrorCode, CofferTimeoutError, type FieldError } from './errors.js';

/**
 * The client's defaults. docs/sdk.md states them in a table that a test compares with this object,
 * so the documentation and the code cannot drift apart.
 */
export const DEFAULTS = Object.freeze({
  /** Retries after the first attempt (so at most 3 attempts). */
  maxRetries: 2,
  /** Per-attempt timeout, including reading the whole answer. */
  timeoutMs: 60_000,
  /** Overall deadline for one call, all attempts and waits included. */
  deadlineMs: 180_000,
  /** First backoff delay; doubled each retry, capped, then jittered to 50–100 %. */
  initialRetryDelayMs: 500,
  /** Largest backoff delay (and largest Retry-After honoured without giving up is what fits the deadline). */
  maxRetryDelayMs: 8_000,
});

export interface CofferOptions {
  /** Where the API is, e.g. `http://127.0.0.1:8080` (no trailing `/v1`). */
  baseUrl: string;
  /** An API key (`coffer_sk_…`), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  maxRetries?: number;
  timeoutMs?: number;
  deadlineMs?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** The last argument of every method. */
export interface RequestOptions {
  /** The Idempotency-Key for a non-GET call (a random UUID unless given); every retry of the call reuses it. */
  idempotencyKey?: string;
  /** Aborts the call (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  timeoutMs?: number;
  deadlineMs?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

export type QueryValue = string | number | boolean | bigint | null | undefined | readonly (string | number)[];

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  options?: RequestOptions | undefined;
}

/** A random UUID v4 (crypto.randomUUID where available, else built from getRandomValues). */
export function randomId(): string {
  const webCrypto = globalThis.crypto;
  if (typeof webCrypto?.randomUUID === 'function') return webCrypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof webCrypto?.getRandomValues === 'function') webCrypto.getRandomValues(bytes);
  else for (let index = 0; index < 16; index++) bytes[index] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with bigint amounts written as digit strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}

export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** `/v1/wallets/{id}` with `{id}` filled in, each value percent-encoded. */
export function pathOf(template: string, params: Record<string, string | number | bigint>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || String(value) === '') throw new TypeError(`Missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Whether a refusal is worth retrying with the same Idempotency-Key. */
export function isRetryable(error: CofferError): boolean {
  if (error.status >= 500) return true;
  if (error.status === 429) return true;
  return error.status === 409 && error.code === 'request_in_progress';
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class AttemptTimeout extends Error {}

export function problemFrom(status: number, headers: Headers, text: string, idempotencyKey: string | undefined): CofferError {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const code = str(body?.code);
  const errors = Array.isArray(body?.errors) ? (body.errors as FieldError[]) : undefined;
  return new CofferError({
    status,
    code: (code ?? 'http_error') as CofferErrorCode,
    title: str(body?.title) ?? `HTTP ${status}`,
    detail: str(body?.detail) ?? (text.slice(0, 200) || `HTTP ${status}`),
    errors,
    requestId: str(body?.requestId) ?? headers.get('request-id') ?? undefined,
    type: str(body?.type),
    instance: str(body?.instance),
    idempotencyKey,
    retryAfterSeconds: retryAfterSeconds(headers.get('retry-after')),
  });
}

/** Sends requests: authentication, JSON, idempotency keys, timeouts, retries with backoff inside a deadline. */
export class Transport {
  readonly baseUrl: string;
  readonly settings: Required<Omit<CofferOptions, 'apiKey' | 'fetch' | 'headers' | 'baseUrl'>>;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly headers: Record<string, string>;

  constructor(options: CofferOptions) {
    if (typeof options?.baseUrl !== 'string' || options.baseUrl === '') throw new TypeError('Coffer needs a baseUrl, e.g. http://127.0.0.1:8080');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch;
    this.headers = { ...(options.headers ?? {}) };
    this.settings = {
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
      initialRetryDelayMs: options.initialRetryDelayMs ?? DEFAULTS.initialRetryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
    };
  }

  get fetch(): typeof fetch {
    const impl = this.fetchImpl ?? globalThis.fetch;
    if (typeof impl !== 'function') throw new TypeError('No fetch available: pass one as the fetch option');
    // Called as a plain function, never as a method of this object: a browser's fetch throws
    // "Illegal invocation" when its `this` is anything but the window.
    return ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => impl(input, init)) as typeof fetch;
  }

  /** The headers of every request: defaults, authentication, then the call's own. */
  headersFor(extra: Record<string, string> | undefined): Record<string, string> {
    return {
      accept: 'application/json',
      ...this.headers,
      ...(this.apiKey !== undefined ? { authorization: `Bearer ${this.apiKey}` } : {}),
      ...(extra ?? {}),
    };
  }

  /** Backoff before retry number `retry` (0-based): exponential, capped, jittered to 50–100 %. */
  backoffMs(retry: number): number {
    const base = Math.min(this.settings.maxRetryDelayMs, this.settings.initialRetryDelayMs * 2 ** retry);
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    const { text } = await this.requestText(spec);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** `request` for an answer that is not JSON (a CSV statement): its text and headers, retried and refused alike. */
  async requestText(spec: RequestSpec): Promise<{ text: string; headers: Headers }> {
    const options = spec.options ?? {};
    const idempotencyKey = spec.method === 'GET' ? undefined : (options.idempotencyKey ?? randomId());
    const maxRetries = Math.max(0, options.maxRetries ?? this.settings.maxRetries);
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    const deadline = Date.now() + (options.deadlineMs ?? this.settings.deadlineMs);
    const url = `${this.baseUrl}${spec.path}${queryString(spec.query)}`;
    const headers = this.headersFor({
      ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
      ...(options.headers ?? {}),
    });
    const body = spec.body !== undefined ? toJson(spec.body) : undefined;
    const signal = options.signal;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      const remaining = deadline - Date.now();
      const attemptTimeout = Math.min(timeoutMs, remaining);
      let failure: CofferError | CofferConnectionError | CofferTimeoutError;
      let waitMs: number | undefined;
      try {
        if (attemptTimeout <= 0) throw new AttemptTimeout('deadline');
        const { status, headers: answerHeaders, text } = await this.attempt(url, spec.method, headers, body, attemptTimeout, signal);
        if (status >= 200 && status < 300) return { text, headers: answerHeaders };
        failure = problemFrom(status, answerHeaders, text, idempotencyKey);
        if (!isRetryable(failure)) throw failure;
        if (failure.retryAfterSeconds !== undefined) waitMs = failure.retryAfterSeconds * 1000;
      } catch (error) {
        if (error instanceof CofferError && !isRetryable(error)) throw error;
        if (signal?.aborted) throw signal.reason;
        if (error instanceof CofferError) failure = error;
        else if (error instanceof AttemptTimeout) {
          const what = attemptTimeout < timeoutMs ? `the ${options.deadlineMs ?? this.settings.deadlineMs} ms deadline` : `${timeoutMs} ms`;
          failure = new CofferTimeoutError(`${spec.method} ${spec.path}: no answer within ${what} (attempt ${attempt})`, { idempotencyKey, attempts: attempt });
        } else {
          const reason = error instanceof Error ? error.message : String(error);
          failure = new CofferConnectionError(`${spec.method} ${spec.path}: connection failed (attempt ${attempt}): ${reason}`, {
            cause: error,
            idempotencyKey,
            attempts: attempt,
          });
        }
      }
      const retry = attempt - 1;
      if (retry >= maxRetries) throw failure;
      const delay = waitMs ?? this.backoffMs(retry);
      if (Date.now() + delay >= deadline) throw failure;
      await sleep(delay, signal);
    }
  }

  /** One attempt: the status, headers and whole body text, within `timeoutMs`. */
  private async attempt(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout('timeout'));
    }, timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: controller.signal });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (timedOut) throw new AttemptTimeout('timeout');
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
