import { Type } from 'typebox';
import type { RuntimeContext } from '../../services/runtime.js';
import { DatabaseUnavailableError } from '../../store/database.js';
import { pendingMigrations } from '../../store/migrate.js';
import type { AppState, TypedApp } from '../typed-app.js';

/** Liveness, readiness: no API key needed. */
export function operationRoutes(app: TypedApp, context: RuntimeContext, state: AppState): void {
  const Health = Type.Object({ status: Type.String() });
  app.get('/healthz', { config: { public: true }, schema: { tags: ['operations'], security: [], response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { tags: ['operations'], security: [], response: { 200: Health, 503: Type.Object({ status: Type.String(), reason: Type.String() }) } },
    },
    async (_request, reply) => {
      if (state.draining) return reply.code(503).send({ status: 'unavailable', reason: 'draining' });
      try {
        await context.store.ping();
        const pending = await pendingMigrations(context.store.database);
        if (pending.length > 0) return reply.code(503).send({ status: 'unavailable', reason: `migrations pending: ${pending.join(', ')}` });
        return { status: 'ready' };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable', reason: error instanceof DatabaseUnavailableError ? error.message : 'database unreachable' });
      }
    },
  );
}
