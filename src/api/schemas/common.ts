import { Type, type TSchema } from 'typebox';
import { limits } from '../../domain/limits.js';

/** Shared pieces of the contract. Every amount is a string of digits (minor units) on output. */
export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });

export const AmountInput = Type.Union(
  [Type.String({ pattern: '^[0-9]+$', maxLength: limits.amountTextLengthMax }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })],
  {
    description: 'Minor units: a string of digits ("1050" = 10.50 for a fraction of 100), or a JSON integer up to 2^53-1. At most 2^63-1.',
  },
);

export const AmountOutput = Type.String({ pattern: '^-?[0-9]+$', description: 'Minor units, as a string of digits.' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Metadata = Type.Record(Type.String({ maxLength: limits.metadataKeyLengthMax }), Type.String({ maxLength: limits.metadataValueLengthMax }), {
  description: `A small map of strings (at most ${limits.metadataKeysMax} keys).`,
  maxProperties: limits.metadataKeysMax,
});

export const Timestamp = Type.String({ format: 'date-time' });

/**
 * `schema` with an example for the OpenAPI document (JSON Schema `examples`: an annotation, which
 * changes no validation). test/api/openapi-examples.test.ts validates every example against its schema.
 */
export function example<T extends TSchema>(schema: T, value: unknown): T {
  return { ...schema, examples: [value] };
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    currencyId: Type.Optional(Type.String({ description: 'For an error about one currency (currency_inactive, …): its id.' })),
    currencyCode: Type.Optional(Type.String({ description: 'Its code, beside the id: codes are not unique.' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
);

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: limits.cursorLengthMax, description: 'The nextCursor of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.pageSizeMax, description: 'Page size (default 50).' })),
};

export const IdParams = Type.Object({ id: Uuid });

/** The header of every POST that may be retried safely: the same key replays the first answer. */
export const IdempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      description: `Makes the request safe to retry: the first answer is replayed. 1 to ${limits.idempotencyKeyLengthMax} printable ASCII characters.`,
    },
  },
} as const;

/** `?include=total` on a list: adds `total`, the count of every row matching its filters, whatever the cursor. */
export const IncludeQuery = {
  include: Type.Optional(
    Type.Enum(['total'], { description: '`total` adds `total` to the page: how many rows match the filters in all (not only this page and after).' }),
  ),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Nullable(Type.String()),
    total: Type.Optional(Type.Integer({ minimum: 0, description: 'With `?include=total`: the count of every row matching the filters, whatever the cursor.' })),
  });
}

/** The error answers every route may give, referenced from the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
  413: Type.Ref('Problem'),
  415: Type.Ref('Problem'),
  422: Type.Ref('Problem'),
  429: Type.Ref('Problem'),
  500: Type.Ref('Problem'),
} as const;
