import { Type } from 'typebox';
import { apiKeyRoles, apiKeyScopes } from '../../domain/api-key.js';
import { createApiKey, listApiKeys, patchApiKey, revokeApiKey } from '../../services/api-keys.js';
import { limits } from '../../domain/limits.js';
import type { RuntimeContext } from '../../services/runtime.js';
import type { TypedApp } from '../typed-app.js';
import { replyCreated } from '../idempotent.js';
import { presentApiKey } from '../present.js';
import { errorResponses, IdParams, Nullable, Page, PageQuery, Timestamp, Uuid } from '../schemas/common.js';

const Role = Type.Enum([...apiKeyRoles]);
const Scope = Type.Enum([...apiKeyScopes]);

const RateLimit = Type.Integer({
  minimum: 1,
  maximum: limits.rateLimitPerMinuteMax,
  description: 'Requests per minute this key may make, counted by each server process on its own; null: no limit (the default).',
});
const Scopes = Type.Array(Scope, {
  minItems: 1,
  maxItems: apiKeyScopes.length,
  description:
    '`read` (GET), `write` (other methods), `issue` (top-ups, adjustments, pending credits from issuing, credit limits). Default: admin keys all three, merchant keys read and write.',
});

const ApiKey = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  prefix: Type.String({ description: 'The first characters of the key: `coffer_sk_` and 4 more (4 of an operator-chosen COFFER_ADMIN_KEY).' }),
  last4: Type.String({ description: 'The last 4 characters of a generated key (empty for an operator-chosen key).' }),
  role: Role,
  merchantId: Nullable(Type.String()),
  scopes: Type.Array(Scope),
  rateLimitPerMinute: Nullable(Type.Integer()),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
});

const ApiKeyCreate = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: limits.nameLengthMax }))),
    role: Role,
    merchantId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: limits.identifierLengthMax }))),
    scopes: Type.Optional(Scopes),
    rateLimitPerMinute: Type.Optional(Nullable(RateLimit)),
  },
  { additionalProperties: false },
);

const ApiKeyPatch = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: limits.nameLengthMax }))),
    scopes: Type.Optional(Scopes),
    rateLimitPerMinute: Type.Optional(Nullable(RateLimit)),
  },
  { additionalProperties: false },
);

export function apiKeyRoutes(app: TypedApp, context: RuntimeContext): void {
  const tags = ['api-keys'];
  app.post(
    '/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key (admin); the key is shown once',
        body: ApiKeyCreate,
        response: { 201: Type.Object({ ...ApiKey.properties, key: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      return replyCreated(
        context,
        request,
        reply,
        async () => {
          const { apiKey, key } = await createApiKey(context, request.actor, request.body);
          return { statusCode: 201, body: { ...presentApiKey(apiKey), key } };
        },
        'key',
      );
    },
  );
  app.get(
    '/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'List API keys (admin)',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(ApiKey), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listApiKeys(context, request.actor, request.query.cursor, request.query.limit);
      return { data: page.data.map(presentApiKey), nextCursor: page.nextCursor };
    },
  );
  app.patch(
    '/v1/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Change an API key (admin): name, scopes, rate limit',
        description: 'Takes effect at once in this process and within COFFER_API_KEY_CACHE_MS in others. `rateLimitPerMinute: null` removes the limit.',
        params: IdParams,
        body: ApiKeyPatch,
        response: { 200: ApiKey, ...errorResponses },
      },
    },
    async (request) => presentApiKey(await patchApiKey(context, request.actor, request.params.id, request.body)),
  );
  app.post(
    '/v1/api-keys/:id/revoke',
    { schema: { tags, summary: 'Revoke an API key (admin)', params: IdParams, response: { 200: ApiKey, ...errorResponses } } },
    async (request) => {
      return presentApiKey(await revokeApiKey(context, request.actor, request.params.id));
    },
  );
}
