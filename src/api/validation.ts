import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { normalizeIds, uuidText } from './ids.js';
import { screenRequestData } from './text-screening.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

// validateSchema: false: schemas are not checked against the JSON Schema meta-schema, whose compilation
// cost most of a second of every start; TypeBox writes them, and ajv still refuses one it cannot compile.
const shared: Options = { allErrors: false, strict: false, removeAdditional: false, useDefaults: true, validateSchema: false };

/**
 * Bodies are validated strictly: a string is never coerced into a number, so wrong types are
 * refused. Query strings, path parameters and headers are text on the wire and are coerced.
 */
const bodyAjv = addFormats(new Ajv({ ...shared, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
// One id grammar everywhere (src/api/ids.ts): ajv-formats' own also takes `urn:uuid:…`.
for (const ajv of [bodyAjv, textAjv]) ajv.addFormat('uuid', uuidText);

export function addSharedSchema(schema: { $id: string }): void {
  for (const ajv of [bodyAjv, textAjv]) {
    if (ajv.getSchema(schema.$id) === undefined) ajv.addSchema(schema);
  }
}

/**
 * Validates against the schema, then screens the free text that passed it (control characters,
 * lone surrogates, card numbers: see `domain/text-screen.ts`), reporting both the same way.
 * Headers are not screened: they are the client's business, except the Idempotency-Key, the only
 * one Coffer stores, and that has a rule of its own (`checkIdempotencyKey` in
 * `services/idempotency.ts`: printable ASCII, no card number) answered with its own code,
 * `idempotency_key_invalid`, before the key is claimed.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  // Compiled on the route's first request, not at start: compiling every route's schemas took
  // most of a second of the server's start (docs/operations.md, "Start time").
  let check: ReturnType<typeof ajv.compile> | undefined;
  const validate = (data: unknown): boolean => {
    check ??= ajv.compile(schema as object);
    const valid = check(data);
    validate.errors = check.errors ?? null;
    if (!valid) return false;
    if (httpPart === 'headers') return true;
    normalizeIds(schema as Record<string, unknown>, data);
    const issue = screenRequestData(schema as Record<string, unknown>, data);
    if (issue === null) return true;
    validate.errors = [issue];
    return false;
  };
  validate.errors = null as unknown;
  return validate as unknown as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** A preValidation hook for the POSTs that may be sent without a body (capture, void, settle, fail, clear…): no body means `{}`. */
export const emptyBodyAllowed = async (request: { body: unknown }): Promise<void> => {
  if (request.body === undefined || request.body === null) request.body = {};
};
