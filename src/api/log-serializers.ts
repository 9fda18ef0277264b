import type { FastifyRequest } from 'fastify';
import { maskCardNumbers } from '../domain/text-screen.js';

/**
 * How requests appear in the logs: method and path only. The query string is left out (it can
 * carry whatever a client typed) and a card number in the path is masked, so a PAN refused by
 * validation is not written to the logs either.
 */
export const logSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: maskCardNumbers(request.url.split('?')[0] ?? ''),
      hostname: request.hostname,
      remoteAddress: request.ip,
    };
  },
};
