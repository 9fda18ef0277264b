import { Type } from 'typebox';
import { apiKeyRoles, apiKeyScopes } from '../../domain/api-key.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import type { ServiceContext } from '../../services/context.js';
import type { TypedApp } from '../typed-app.js';
import { presentApiKey } from '../present.js';
import { errorResponses, IdParams, Nullable, Page, PageQuery, Timestamp, Uuid } from '../schemas/common.js';

const Role = Type.Enum([...apiKeyRoles]);
const Scope = Type.Enum([...apiKeyScopes]);

const ApiKey = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  prefix: Type.String(),
  last4: Type.String(),
  role: Role,
  merchantId: Nullable(Type.String()),
  scopes: Type.Array(Scope),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
});

const ApiKeyCreate = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    role: Role,
    merchantId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 2 })),
  },
  { additionalProperties: false },
);

export function apiKeyRoutes(app: TypedApp, context: ServiceContext): void {
  const tags = ['api-keys'];
  app.post(
    '/v1/api-keys',
    { schema: { tags, summary: 'Create an API key (admin); the key is shown once', body: ApiKeyCreate, response: { 201: Type.Object({ ...ApiKey.properties, key: Type.String() }), ...errorResponses } } },
    async (request, reply) => {
      const { apiKey, key } = await createApiKey(context, request.actor, request.body);
      return reply.code(201).send({ ...presentApiKey(apiKey), key });
    },
  );
  app.get('/v1/api-keys', { schema: { tags, summary: 'List API keys (admin)', querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }), response: { 200: Page(ApiKey), ...errorResponses } } }, async (request) => {
    const page = await listApiKeys(context, request.actor, request.query.cursor, request.query.limit);
    return { data: page.data.map(presentApiKey), nextCursor: page.nextCursor };
  });
  app.post('/v1/api-keys/:id/revoke', { schema: { tags, summary: 'Revoke an API key (admin)', params: IdParams, response: { 200: ApiKey, ...errorResponses } } }, async (request) => {
    return presentApiKey(await revokeApiKey(context, request.actor, request.params.id));
  });
}
