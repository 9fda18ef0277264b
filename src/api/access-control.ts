import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import { authenticate } from '../services/api-keys.js';
import type { RuntimeContext } from '../services/runtime.js';
import { sendProblem } from './errors.js';
import { WindowCounter } from './window-counter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no API key (health, readiness, metrics, docs). Every other route does. */
    public?: boolean;
  }
}

/** A route as registered: its method, its pattern, and whether it needs a key. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
}

const readMethods = new Set(['GET', 'HEAD']);

/** Registers the routes of a plugin as public (no API key): used for the docs plugin's routes. */
export function markRoutesPublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });
}

/**
 * Access control, decided by the matched route and never by the spelling of the URL: every route
 * needs an API key unless it was registered with `config: { public: true }` (default-deny), and
 * an unmatched URL needs one too, so that a caller without a key learns nothing about which paths
 * exist. GET and HEAD need the `read` scope, other methods `write`; `issue` is checked by the
 * services that create money or credit. Failed authentications are counted per client address
 * and refused past `limits.authFailuresPerMinute` (429 with Retry-After, before the key is even
 * looked up); per-key rate limits (set on the key, none by default) apply after authentication.
 * Both counters are per process. Returns the registered routes, for the route-walk test.
 */
export function registerAccessControl(app: FastifyInstance, context: RuntimeContext): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    // Read when asked: hooks of inner scopes (markRoutesPublic) run after this one on the same options.
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      routes.push({
        method,
        url: route.url,
        get public() {
          return route.config?.public === true;
        },
      });
    }
  });

  const failuresPerMinute = context.config.authFailuresPerMinute;
  const failures = new WindowCounter(60_000, limits.rateLimitKeysMax);
  const perKey = new WindowCounter(60_000, limits.rateLimitKeysMax);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404 && request.routeOptions.config?.public === true) return;
    const address = request.ip;
    if (failuresPerMinute > 0 && failures.count(address) >= failuresPerMinute) {
      void reply.header('retry-after', String(failures.retryAfterSeconds(address)));
      return sendProblem(
        reply,
        new CofferError('rate_limited', `Too many failed authentications from this address; retry after ${failures.retryAfterSeconds(address)} s.`),
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    let actor: Omit<Actor, 'requestId'>;
    try {
      actor = await authenticate(context.store, match?.[1] ?? '', context.config.apiKeyCacheMs);
    } catch (error) {
      if (error instanceof CofferError && error.code === 'unauthorized' && failuresPerMinute > 0) failures.hit(address);
      throw error;
    }
    request.actor = { ...actor, requestId: String(request.id) };
    if (request.is404) return;
    if (readMethods.has(request.method) ? !actor.scopes.includes('read') : !actor.scopes.includes('write')) {
      throw new CofferError(
        'forbidden',
        readMethods.has(request.method) ? 'This API key lacks the read scope.' : 'This API key lacks the write scope (it is read-only).',
      );
    }
    const max = actor.rateLimitPerMinute ?? null;
    if (max !== null && max > 0 && perKey.hit(actor.apiKeyId) > max) {
      void reply.header('retry-after', String(perKey.retryAfterSeconds(actor.apiKeyId)));
      return sendProblem(
        reply,
        new CofferError(
          'rate_limited',
          `This API key made more than ${max} requests in a minute (its rateLimitPerMinute); retry after ${perKey.retryAfterSeconds(actor.apiKeyId)} s.`,
        ),
      );
    }
  });
  return routes;
}
