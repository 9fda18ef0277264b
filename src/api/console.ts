import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:console` writes the web console (the same place from src/api and from the compiled dist/api). */
export const consoleDir = fileURLToPath(new URL('../../packages/console/dist/', import.meta.url));

// The console is static and talks to /v1 on the same origin with the key kept in the tab: nothing else may run
// in it, frame it, or learn its URL.
const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function headers(reply: FastifyReply, cache: string): FastifyReply {
  for (const [name, value] of Object.entries(securityHeaders)) void reply.header(name, value);
  return reply.header('cache-control', cache);
}

/**
 * Serves the web console's static files at /console (no API key: `config.public`; the API calls it makes still need
 * one). Hashed assets are cached for a year, index.html never. Without a build it answers 503 saying how to build it.
 */
export async function registerConsole(app: FastifyInstance, dir = consoleDir): Promise<void> {
  const built = existsSync(`${dir}index.html`);
  await app.register(async (scope) => {
    if (built) await scope.register(fastifyStatic, { root: dir, serve: false, decorateReply: true, cacheControl: false });
    const opts = { config: { public: true }, schema: { hide: true } };
    scope.get('/console', opts, async (_request, reply) => reply.redirect('/console/', 301));
    scope.get('/console/*', opts, async (request, reply) => {
      if (!built) {
        return headers(reply, 'no-store')
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The web console is not built: run `npm run build:console` (it runs on install).\n');
      }
      const path = (request.params as { '*': string })['*'];
      if (path.startsWith('assets/') && /^assets\/[\w.-]+$/.test(path)) {
        return headers(reply, 'public, max-age=31536000, immutable').sendFile(path);
      }
      // Every other path is the single page (the screens live in the #fragment).
      return headers(reply, 'no-cache').sendFile('index.html');
    });
  });
}
