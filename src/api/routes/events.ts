import type { ServerResponse } from 'node:http';
import type { Actor } from '../../domain/api-key.js';
import { type CofferEvent, eventTypes } from '../../domain/event.js';
import { CofferError } from '../../domain/errors.js';
import type { RuntimeContext } from '../../services/runtime.js';
import { limits } from '../../domain/limits.js';
import { countEvents, listEvents, startPosition } from '../../services/events.js';
import type { AppState, TypedApp } from '../typed-app.js';
import { readContext } from '../read-routing.js';
import { errorResponses } from '../schemas/common.js';
import { EventListQuery, EventPage, EventStreamQuery } from '../schemas/event.js';

/** How often an open stream looks for new events, and sends a keep-alive comment. */
const streamPollMs = 250;
const streamHeartbeatMs = 15_000;
const streamPageSize = 500;

export function presentEvent(event: CofferEvent) {
  return { ...event, position: event.position.toString(), createdAt: event.createdAt.toISOString() };
}

function typesOf(value: string | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const types = value.split(',').map((type) => type.trim());
  const unknown = types.filter((type) => !(eventTypes as readonly string[]).includes(type));
  if (unknown.length > 0)
    throw new CofferError('validation_failed', `Unknown event type: ${unknown.join(', ').slice(0, 200)}.`, [{ field: 'types', message: 'unknown event type' }]);
  return types;
}

/** The event feed (cursor list) and its live server-sent-events stream. */
export function eventRoutes(app: TypedApp, context: RuntimeContext, state: AppState): void {
  const tags = ['events'];
  app.get(
    '/v1/events',
    {
      schema: {
        tags,
        summary: 'The event feed, oldest first, gap-free; replay from any cursor or position',
        querystring: EventListQuery,
        response: { 200: EventPage, ...errorResponses },
      },
    },
    async (request) => {
      const { types: typesText, include, ...query } = request.query;
      const types = typesOf(typesText);
      const reading = await readContext(context, request, true);
      const page = await listEvents(reading, request.actor, { ...query, ...(types !== undefined ? { types } : {}) });
      const total = include === 'total' ? { total: await countEvents(reading, request.actor, types !== undefined ? { types } : {}) } : {};
      return { data: page.data.map(presentEvent), nextCursor: page.nextCursor, ...total };
    },
  );

  const streams = new Set<ServerResponse>();
  /** Open streams per API key in this process. */
  const streamsPerKey = new Map<string, number>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.get(
    '/v1/events/stream',
    {
      // A HEAD of a stream would never end.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: 'Live events as server-sent events (id: = position; resumes from Last-Event-ID or after=)',
        description: `At most ${limits.eventStreamsPerKeyMax} open streams per API key and server process (429 past it). A stream ends within about ${limits.eventStreamKeyCheckMs / 1000} s of its key being revoked.`,
        querystring: EventStreamQuery,
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const resume = request.query.after ?? (typeof header === 'string' && header !== '' ? header : undefined);
      const position = startPosition(resume !== undefined ? { after: resume } : {});
      const types = typesOf(request.query.types);
      const keyId = request.actor.apiKeyId;
      const open = streamsPerKey.get(keyId) ?? 0;
      if (open >= limits.eventStreamsPerKeyMax) {
        void reply.header('retry-after', '5');
        throw new CofferError('rate_limited', `This API key already has ${open} open event streams, the most allowed; close one first.`);
      }
      streamsPerKey.set(keyId, open + 1);
      const release = once(() => {
        const left = (streamsPerKey.get(keyId) ?? 1) - 1;
        if (left <= 0) streamsPerKey.delete(keyId);
        else streamsPerKey.set(keyId, left);
      });
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': coffer event stream\n\n');
      streams.add(raw);
      let connected = true;
      request.raw.on('close', () => {
        connected = false;
      });
      raw.on('close', () => {
        connected = false;
        streams.delete(raw);
        release();
      });
      try {
        await pump(context, request.actor, raw, position, types, () => connected && !state.draining && !raw.writableEnded).catch((error: unknown) => {
          request.log.warn({ err: error }, 'event stream stopped');
        });
      } finally {
        streams.delete(raw);
        release();
        if (!raw.writableEnded) raw.end();
      }
    },
  );
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}

/** True while the stream's API key exists and is not revoked (read from the database, not from the key cache). */
async function keyStillValid(context: RuntimeContext, actor: Actor): Promise<boolean> {
  const key = await context.store.read.getApiKey(actor.apiKeyId);
  return key !== null && key.revokedAt === null;
}

async function pump(
  context: RuntimeContext,
  actor: Actor,
  raw: ServerResponse,
  from: bigint,
  types: string[] | undefined,
  isOpen: () => boolean,
): Promise<void> {
  let position = from;
  let quietSinceMs = Date.now();
  let keyCheckedAtMs = Date.now();
  while (isOpen()) {
    if (Date.now() - keyCheckedAtMs >= limits.eventStreamKeyCheckMs) {
      keyCheckedAtMs = Date.now();
      if (!(await keyStillValid(context, actor))) {
        raw.write(': the API key was revoked\n\n');
        return;
      }
    }
    const page = await listEvents(context, actor, { after: position.toString(), limit: streamPageSize, ...(types !== undefined ? { types } : {}) });
    for (const event of page.data) {
      raw.write(`id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(presentEvent(event))}\n\n`);
    }
    position = page.lastPosition;
    if (page.data.length > 0) quietSinceMs = Date.now();
    if (page.data.length === streamPageSize) continue;
    if (Date.now() - quietSinceMs >= streamHeartbeatMs) {
      raw.write(': keep-alive\n\n');
      quietSinceMs = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, streamPollMs));
  }
}
