import { CofferError } from './errors.js';
import { isRetryable, problemFrom, queryString, sleep, type Transport } from './http.js';
import type { CofferEvent } from './types.js';

export interface EventStreamOptions {
  /** Start after this position (an event's `position`); default: only events from now on. */
  after?: string | number | bigint;
  /** Only these event types (e.g. `['transaction.posted']`). */
  types?: string | readonly string[];
  /** Stops the stream (the loop ends quietly). */
  signal?: AbortSignal;
  /** Reconnect when nothing (not even the server's keep-alive) arrived for this long (default 45 000 ms). */
  idleTimeoutMs?: number;
  /** Called before each reconnection, with the error that ended the previous connection. */
  onReconnect?: (error: unknown, attempt: number) => void;
}

interface Frame {
  id: string | undefined;
  event: string | undefined;
  data: string[];
}

/**
 * Live events from GET /v1/events/stream (server-sent events, `id:` = position). Reconnects on
 * network errors, server restarts and 5xx with backoff, resuming after the last event it yielded
 * (`?after=<position>`), so no event is lost or repeated. A refusal (401, 403, 400) ends it with a CofferError.
 */
export async function* streamEvents(transport: Transport, options: EventStreamOptions = {}): AsyncGenerator<CofferEvent, void, undefined> {
  let after = options.after !== undefined ? String(options.after) : undefined;
  const types = options.types === undefined ? undefined : typeof options.types === 'string' ? options.types : options.types.join(',');
  const outer = options.signal;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  let failures = 0;
  while (!outer?.aborted) {
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      if (idle !== undefined) clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
    };
    let ended: unknown = new Error('the server closed the stream');
    try {
      armIdle();
      const url = `${transport.baseUrl}/v1/events/stream${queryString({ after, types })}`;
      const response = await transport.fetch(url, {
        headers: transport.headersFor({ accept: 'text/event-stream', ...(after !== undefined ? { 'last-event-id': after } : {}) }),
        signal: controller.signal,
      });
      if (!response.ok || response.body === null) {
        const error = problemFrom(response.status, response.headers, await response.text(), undefined);
        if (!isRetryable(error)) throw error;
        throw Object.assign(error, { retryable: true });
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let frame: Frame = { id: undefined, event: undefined, data: [] };
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        armIdle();
        failures = 0;
        buffer += decoder.decode(chunk.value, { stream: true });
        let newline = buffer.search(/\r\n|\r|\n/);
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(buffer.startsWith('\r\n', newline) ? newline + 2 : newline + 1);
          newline = buffer.search(/\r\n|\r|\n/);
          if (line === '') {
            if (frame.data.length > 0 && (frame.event === undefined || frame.event !== 'error')) {
              const event = JSON.parse(frame.data.join('\n')) as CofferEvent;
              if (frame.id !== undefined) after = frame.id;
              yield event;
            }
            frame = { id: undefined, event: undefined, data: [] };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') frame.id = value;
          else if (field === 'event') frame.event = value;
          else if (field === 'data') frame.data.push(value);
        }
      }
    } catch (error) {
      if (outer?.aborted) return;
      if (error instanceof CofferError && !isRetryable(error)) throw error;
      ended = error;
    } finally {
      if (idle !== undefined) clearTimeout(idle);
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
    }
    failures++;
    options.onReconnect?.(ended, failures);
    try {
      await sleep(failures === 1 ? 0 : transport.backoffMs(Math.min(failures - 2, 10)), outer);
    } catch {
      return;
    }
  }
}
