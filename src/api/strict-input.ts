import { isUtf8 } from 'node:buffer';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import { sendProblem } from './errors.js';

/** The deepest `[`/`{` nesting of a JSON text, counted outside strings, stopping once past `max`. */
export function jsonNestingDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Replaces the JSON body parser with a stricter one: the bytes must be valid UTF-8 (the default
 * parser would silently turn bad bytes into U+FFFD and store that) and nested at most
 * `limits.jsonDepthMax` deep (deeper documents are refused before parsing, so no parser or
 * validator recursion can exhaust the stack). Parsing itself is Fastify's own, with
 * prototype-poisoning protection. An empty body is read as no body, not as malformed JSON.
 */
export function registerStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new CofferError('malformed_json', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    const text = bytes.toString('utf8');
    // An empty body sent with a JSON content type (many HTTP clients set the header on every
    // request) is no body: routes whose body is optional run, the others refuse it by schema.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonNestingDepth(text, limits.jsonDepthMax) > limits.jsonDepthMax) {
      done(new CofferError('malformed_json', `The request body is nested deeper than ${limits.jsonDepthMax} levels.`), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** True when every %XX escape of the query string decodes, and the result is valid UTF-8. */
function queryDecodes(url: string): boolean {
  const start = url.indexOf('?');
  if (start < 0) return true;
  try {
    decodeURIComponent(url.slice(start + 1).replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a query string whose percent-escapes are malformed or decode to invalid UTF-8: the
 * default parser would keep such text as it is, or replace it, and search with it.
 */
export function registerStrictQuery(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!queryDecodes(request.url)) throw new CofferError('validation_failed', 'The query string is not validly percent-encoded UTF-8.');
  });
}

/** Router errors (a path that is not validly percent-encoded) answered as problem+json like any other. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const detail = error.code === 'FST_ERR_BAD_URL' ? 'The URL path is not validly percent-encoded UTF-8.' : 'The request could not be read.';
  void sendProblem(reply, new CofferError('validation_failed', detail));
}
