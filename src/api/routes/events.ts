import type { ServerResponse } from 'node:http';
import type { Actor } from '../../domain/api-key.js';
import { type CofferEvent, eventTypes } from '../../domain/event.js';
import { CofferError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import { listEvents, startPosition } from '../../services/events.js';
import type { AppState, TypedApp } from '../typed-app.js';
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
  if (unknown.length > 0) throw new CofferError('validation_failed', `Unknown event type: ${unknown.join(', ').slice(0, 200)}.`, [{ field: 'types', message: 'unknown event type' }]);
  return types;
}

/** The event feed (cursor list) and its live server-sent-events stream. */
export function eventRoutes(app: TypedApp, context: ServiceContext, state: AppState): void {
  const tags = ['events'];
  app.get(
    '/v1/events',
    { schema: { tags, summary: 'The event feed, oldest first, gap-free; replay from any cursor or position', querystring: EventListQuery, response: { 200: EventPage, ...errorResponses } } },
    async (request) => {
      const { types: typesText, ...query } = request.query;
      const types = typesOf(typesText);
      const page = await listEvents(context, request.actor, { ...query, ...(types !== undefined ? { types } : {}) });
      return { data: page.data.map(presentEvent), nextCursor: page.nextCursor };
    },
  );

  const streams = new Set<ServerResponse>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.get(
    '/v1/events/stream',
    { schema: { tags, summary: 'Live events as server-sent events (id: = position; resumes from Last-Event-ID or after=)', querystring: EventStreamQuery } },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const resume = request.query.after ?? (typeof header === 'string' && header !== '' ? header : undefined);
      const position = startPosition(resume !== undefined ? { after: resume } : {});
      const types = typesOf(request.query.types);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(': coffer event stream\n\n');
      streams.add(raw);
      let open = true;
      request.raw.on('close', () => {
        open = false;
      });
      raw.on('close', () => {
        open = false;
        streams.delete(raw);
      });
      await pump(context, request.actor, raw, position, types, () => open && !state.draining && !raw.writableEnded).catch((error: unknown) => {
        request.log.warn({ err: error }, 'event stream stopped');
      });
      streams.delete(raw);
      if (!raw.writableEnded) raw.end();
    },
  );
}

async function pump(context: ServiceContext, actor: Actor, raw: ServerResponse, from: bigint, types: string[] | undefined, isOpen: () => boolean): Promise<void> {
  let position = from;
  let quietSinceMs = Date.now();
  while (isOpen()) {
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
