import type { CofferEvent, EventFilter, EventRow, EventType, NewEvent } from '../domain/event.js';
import type { Queryable, Row } from './database.js';
import { big, date, json, text, textOrNull } from './rows.js';
import { type Params, single } from './sql-parts.js';

function toEvent(row: Row): CofferEvent {
  return {
    id: text(row.id),
    position: big(row.position),
    type: text(row.type) as EventType,
    merchantId: textOrNull(row.merchant_id),
    subjectId: text(row.subject_id),
    data: json<Record<string, unknown>>(row.data),
    createdAt: date(row.created_at),
  };
}

/** Inserts events in the order given, from one JSON document (their data then needs no array-literal escaping). */
export function insertEventsSql(p: Params, events: readonly EventRow[]): string {
  const rows = events.map((row) => ({
    id: row.id,
    type: row.event.type,
    merchant_id: row.event.merchantId,
    subject_id: row.event.subjectId,
    data: row.event.data,
    created_at: row.createdAt.toISOString(),
  }));
  return `insert into events (id, type, merchant_id, subject_id, data, created_at)
   select id, type, merchant_id, subject_id, data, created_at
   from rows from (jsonb_to_recordset(${p.add(JSON.stringify(rows), 'jsonb')}) as (id uuid, type text, merchant_id text, subject_id uuid, data jsonb, created_at timestamptz))
        with ordinality as v(id, type, merchant_id, subject_id, data, created_at, n)
   order by n`;
}

export function eventQueries(db: Queryable) {
  /** Inserts events in the order given (the sealer numbers them in that order). */
  async function insertEvents(events: readonly EventRow[]): Promise<void> {
    if (events.length === 0) return;
    const { sql, values } = single((p) => insertEventsSql(p, events));
    await db.query(sql, values);
  }

  return {
    /** Inserts an event without a feed position: the sealer numbers it once it is committed. */
    async insertEvent(id: string, event: NewEvent, now: Date): Promise<void> {
      await insertEvents([{ id, event, createdAt: now }]);
    },

    insertEvents,

    /**
     * Gives the committed, unnumbered events the next feed positions, in insertion order.
     * Must run inside a database transaction: the row lock on `event_feed` makes sealers take
     * turns, so positions are assigned once, without gaps, and become visible all at once.
     * Also queues a delivery of each sealed event to every matching active webhook endpoint.
     */
    async sealEvents(limit: number, now: Date): Promise<number> {
      const feed = await db.query('select last_position from event_feed where singleton for update');
      const last = big((feed[0] as Row).last_position);
      const sealed = await db.query<{ id: string }>(
        `with batch as (
           select id, row_number() over (order by insert_seq) as n from events where position is null order by insert_seq limit $2
         )
         update events set position = $1::bigint + batch.n from batch where events.id = batch.id returning events.id`,
        [last.toString(), limit],
      );
      if (sealed.length === 0) return 0;
      await db.query('update event_feed set last_position = $1 where singleton', [(last + BigInt(sealed.length)).toString()]);
      await db.query(
        `insert into webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)
         select gen_random_uuid(), endpoint.id, event.id, 'pending', 0, $2, $2, $2
         from events event join webhook_endpoints endpoint
           on endpoint.status = 'active'
          and (endpoint.merchant_id is null or endpoint.merchant_id = event.merchant_id)
          and (cardinality(endpoint.event_types) = 0 or event.type = any(endpoint.event_types))
         where event.id = any($1::uuid[])
         on conflict (endpoint_id, event_id) do nothing`,
        [sealed.map((row) => row.id), now],
      );
      return sealed.length;
    },

    /** True when a committed event waits for its feed position (a read: takes no lock). */
    async hasUnsealedEvents(): Promise<boolean> {
      const rows = await db.query('select 1 as found from events where position is null limit 1');
      return rows.length > 0;
    },

    async listEvents(filter: EventFilter): Promise<CofferEvent[]> {
      const rows = await db.query(
        `select * from events
         where position is not null and position > $1 and ($2::text is null or merchant_id = $2) and ($3::text[] is null or type = any($3))
         order by position limit $4`,
        [filter.afterPosition.toString(), filter.merchantId, filter.types, filter.limit],
      );
      return rows.map(toEvent);
    },

    /** How many events match `listEvents`' filters, from the start of the feed. */
    async countEvents(filter: Omit<EventFilter, 'afterPosition' | 'limit'>): Promise<number> {
      const rows = await db.query(
        `select count(*)::text as total from events
         where position is not null and ($1::text is null or merchant_id = $1) and ($2::text[] is null or type = any($2))`,
        [filter.merchantId, filter.types],
      );
      return Number(rows[0]?.total ?? 0);
    },

    async getEvent(id: string): Promise<CofferEvent | null> {
      const rows = await db.query('select * from events where id = $1 and position is not null', [id]);
      return rows[0] === undefined ? null : toEvent(rows[0]);
    },
  };
}
