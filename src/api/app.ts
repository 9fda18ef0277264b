import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/database.js';
import type { RuntimeContext } from '../services/runtime.js';
import { sendProblem, toCofferError } from './errors.js';
import { frameworkErrors, registerStrictJsonParser, registerStrictQuery } from './strict-input.js';
import { lazySerializers } from './lazy-serializer.js';
import { registerMetrics } from './metrics.js';
import { markRoutesPublic, type RegisteredRoute, registerAccessControl } from './access-control.js';
import { registerConsistencyTokens, registerReadFrom } from './read-routing.js';
import { registerWalletExpansion } from './wallet-expansion.js';
import { registerWalletSerials } from './wallet-serials.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { registerConsole } from './console.js';
import { batchRoutes } from './routes/batches.js';
import { compatRoutes } from './routes/compat/index.js';
import { currencyRoutes } from './routes/currencies.js';
import { cardRoutes } from './routes/cards.js';
import { holdRoutes } from './routes/holds.js';
import { instrumentRoutes } from './routes/instruments.js';
import { eventRoutes } from './routes/events.js';
import { exchangeRoutes } from './routes/exchange.js';
import { documentOperation } from './openapi-docs.js';
import { operationRoutes } from './routes/operations.js';
import { reportRoutes } from './routes/reports.js';
import { transactionRoutes } from './routes/transactions.js';
import { walletLifecycleRoutes } from './routes/wallet-lifecycle.js';
import { verifyRoutes } from './routes/verify.js';
import { walletRoutes } from './routes/wallets.js';
import { webhookRoutes } from './routes/webhooks.js';
import { Problem } from './schemas/common.js';
import { addSharedSchema, validatorCompiler } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface AppOptions {
  readonly context: RuntimeContext;
  readonly logger?: FastifyBaseLogger | false;
}

/** `routes`: every route registered, with whether it is public (the route-walk test reads it). */
export type App = FastifyInstance & { readonly state: AppState; readonly routes: readonly RegisteredRoute[] };
export type { AppState, TypedApp } from './typed-app.js';
import type { AppState, TypedApp } from './typed-app.js';

/** Builds the HTTP application without listening: the server and the tests share it. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { context } = options;
  const app = Fastify({
    loggerInstance: options.logger === false || options.logger === undefined ? undefined : options.logger,
    logger: options.logger === false || options.logger === undefined ? false : undefined,
    bodyLimit: context.config.bodyBytesMax,
    trustProxy: context.config.trustProxy,
    requestTimeout: context.config.requestTimeoutMs,
    connectionTimeout: context.config.requestTimeoutMs,
    return503OnClosing: true,
    genReqId: () => crypto.randomUUID(),
    // No log line per request at the default level (two pino lines per request cost more CPU than
    // the request's own work): a 5xx is logged as an error, every answer at `debug` (logRequest).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    frameworkErrors,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  const state: AppState = { draining: false };
  app.addHook('onRequest', async (request) => {
    if (request.log.level === 'debug' || request.log.level === 'trace') request.log.debug({ req: request }, 'incoming request');
  });
  app.addHook('onResponse', async (request, reply) => logRequest(request, reply));
  app.addHook('onRequest', async (_request, reply) => {
    // The id the audit log records, so a client can find its own request there.
    void reply.header('request-id', String(reply.request.id));
    // No answer is cached by a browser or a proxy, nor sniffed as another content type.
    void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
  });
  // Registered before any route, so that its onRoute hook sees every route.
  const routes = registerAccessControl(app, context);
  Object.assign(app, { state, routes });

  app.setValidatorCompiler(validatorCompiler);
  registerStrictJsonParser(app);
  registerStrictQuery(app);
  addSharedSchema(Problem as unknown as { $id: string });
  app.addSchema(Problem);
  app.decorateRequest('actor', null as unknown as Actor);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Coffer API',
        version: '0.1.0',
        description: 'Self-hosted multi-currency wallet and double-entry ledger. Amounts are strings of digits in minor units.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: coffer_sk_…' } } },
      security: [{ bearer: [] }],
    },
    // Descriptions and examples (src/api/openapi-docs.ts): in the document only, never in validation.
    transform: documentOperation,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`) },
  });
  // The interactive reference and its assets need no key.
  await app.register(async (docs) => {
    markRoutesPublic(docs);
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toCofferError(error);
    if (known !== null) return sendProblem(reply, known);
    if (isDatabaseUnavailable(error)) {
      // A failover or an outage: nothing half-done remains (one database transaction per change),
      // and a write retried with its Idempotency-Key is applied once or replays its first answer.
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('Retry-After', '1');
      return sendProblem(
        reply,
        new CofferError('service_unavailable', 'The database is unavailable or failing over; retry shortly, a write with the same Idempotency-Key.'),
      );
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(reply, new CofferError('internal_error', 'An unexpected error occurred; nothing was changed. It has been logged with the request id.'));
  });
  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, new CofferError('route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });

  registerMetrics(
    app,
    () => context.runtime.committer.stats(),
    () => context.store.database.heapBytes?.(),
  );
  registerConsistencyTokens(app, context);
  registerReadFrom(app, context);
  registerWalletSerials(app, context);
  registerWalletExpansion(app, context);
  const typed = app.withTypeProvider<TypeBoxTypeProvider>() as unknown as TypedApp;
  operationRoutes(typed, context, state);
  currencyRoutes(typed, context);
  walletRoutes(typed, context);
  transactionRoutes(typed, context);
  batchRoutes(typed, context);
  reportRoutes(typed, context);
  verifyRoutes(typed, context);
  apiKeyRoutes(typed, context);
  holdRoutes(typed, context);
  walletLifecycleRoutes(typed, context);
  instrumentRoutes(typed, context);
  cardRoutes(typed, context);
  eventRoutes(typed, context, state);
  auditLogRoutes(typed, context);
  webhookRoutes(typed, context);
  exchangeRoutes(typed, context);
  compatRoutes(typed, context);
  await registerConsole(app);
  return app as App;
}

/** The access log: every request and answer at `debug`, a 5xx at `error` (its cause is logged by the error handler). */
function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  if (status < 500 && request.log.level !== 'debug' && request.log.level !== 'trace') return;
  // `req` goes through the logger's serializer (src/api/log-serializers.ts): no query string, card numbers masked.
  const line = { req: request, route: request.routeOptions.url, statusCode: status, responseTime: reply.elapsedTime };
  if (status >= 500) request.log.error(line, 'request failed');
  else request.log.debug(line, 'request completed');
}
