import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { screenRequestData } from './text-screening.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const shared: Options = { allErrors: false, strict: false, removeAdditional: false, useDefaults: true };

/**
 * Bodies are validated strictly: a string is never coerced into a number, so wrong types are
 * refused. Query strings, path parameters and headers are text on the wire and are coerced.
 */
const bodyAjv = addFormats(new Ajv({ ...shared, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));

export function addSharedSchema(schema: { $id: string }): void {
  for (const ajv of [bodyAjv, textAjv]) {
    if (ajv.getSchema(schema.$id) === undefined) ajv.addSchema(schema);
  }
}

/** Headers are mostly the client's business; of them only the Idempotency-Key is stored. */
function screenedPart(httpPart: string | undefined, data: unknown): unknown {
  if (httpPart !== 'headers') return data;
  const key = (data as Record<string, unknown> | null)?.['idempotency-key'];
  return key === undefined ? {} : { 'idempotency-key': key };
}

/**
 * Validates against the schema, then screens the free text that passed it (control characters,
 * lone surrogates, card numbers: see `domain/text-screen.ts`), reporting both the same way.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const check = ajv.compile(schema as object);
  const validate = (data: unknown): boolean => {
    const valid = check(data);
    validate.errors = check.errors ?? null;
    if (!valid) return false;
    const issue = screenRequestData(httpPart === 'headers' ? undefined : (schema as Record<string, unknown>), screenedPart(httpPart, data));
    if (issue === null) return true;
    validate.errors = [issue];
    return false;
  };
  validate.errors = null as unknown;
  return validate as unknown as ReturnType<FastifySchemaCompiler<unknown>>;
};
