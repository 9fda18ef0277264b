import { Type } from 'typebox';
import { eventTypes } from '../../domain/event.js';
import { limits } from '../../domain/limits.js';
import { IncludeQuery, Nullable, PageQuery, Timestamp, Uuid } from './common.js';

export const EventType = Type.Enum([...eventTypes]);

export const Event = Type.Object({
  id: Uuid,
  position: Type.String({ pattern: '^[0-9]+$', description: 'Place in the gap-free feed: 1, 2, 3… in commit order.' }),
  type: EventType,
  merchantId: Nullable(Type.String()),
  subjectId: Uuid,
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
});

const FeedQuery = {
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'A feed position: list the events after it.' })),
  types: Type.Optional(Type.String({ maxLength: limits.eventTypesQueryLengthMax, description: 'Comma-separated event types to keep (default: all).' })),
};

export const EventListQuery = Type.Object({ ...PageQuery, ...FeedQuery, ...IncludeQuery }, { additionalProperties: false });
export const EventStreamQuery = Type.Object(FeedQuery, { additionalProperties: false });

export const EventPage = Type.Object({
  data: Type.Array(Event),
  nextCursor: Type.String({ description: 'Where to continue; never null: poll again with it to get newer events.' }),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'With `?include=total`: how many events of these types the feed holds, from its start.' })),
});
