import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { CofferError } from '../domain/errors.js';

/** Routes that move money get their own, stricter budget per key. */
const moneyMovingRoute = /^\/v1\/(topups|withdrawals|transfers|adjustments|exchanges|batches|holds|pending-credits|transactions\/[^/]+\/reverse)(\/|$)/;

export function isMoneyMoving(request: FastifyRequest): boolean {
  return request.method === 'POST' && moneyMovingRoute.test(request.routeOptions.url ?? request.url);
}

/**
 * Per-key rate limits (per process: each server process counts on its own). Every `/v1/` request
 * counts against its key's general budget, and money-moving POSTs against a separate, stricter
 * one. Runs after authentication (preHandler), so the key is known. A limit of 0 turns it off.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config): Promise<void> {
  const { rateLimitPerMinute, rateLimitMoneyPerMinute } = config;
  if (rateLimitPerMinute === 0 && rateLimitMoneyPerMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    keyGenerator: (request) => `${request.actor?.apiKeyId ?? `ip:${request.ip}`}${isMoneyMoving(request) ? ':money' : ''}`,
    max: (_request, key) => (key.endsWith(':money') ? rateLimitMoneyPerMinute : rateLimitPerMinute),
    allowList: (request) => {
      if (!request.url.startsWith('/v1/')) return true;
      return (isMoneyMoving(request) ? rateLimitMoneyPerMinute : rateLimitPerMinute) === 0;
    },
    errorResponseBuilder: (request, context) =>
      new CofferError(
        'rate_limited',
        `This API key made more than ${context.max} ${isMoneyMoving(request) ? 'money-moving ' : ''}requests in a minute; retry after ${context.after}.`,
      ),
  });
}
