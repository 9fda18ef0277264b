/**
 * Every operation of the OpenAPI document has a summary, a description, an example request (when it
 * takes a body) and an example of its success answer; every example is valid against its schema
 * (a wrong example is worse than none). Add the missing ones in src/api/openapi-docs.ts.
 *
 * An example may be given as JSON Schema `examples` on the schema (TypeBox `{ examples: [...] }`,
 * or `example(Schema, value)`), which @fastify/swagger moves to the media type: one becomes the
 * media type's `example`, several its `examples` (`{ example1: { value } }`). Both forms are read,
 * as is an `examples` array left on the schema.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { operationDocs } from '../../src/api/openapi-docs.js';
import { generateOpenApi } from '../../src/cli/openapi.js';
import { bodyAjv, type Schema } from '../support/openapi-schema.js';

interface Media {
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly examples?: Record<string, { readonly value?: unknown }>;
}
interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly requestBody?: { readonly content?: Record<string, Media> };
  readonly responses?: Record<string, { readonly content?: Record<string, Media> }>;
}
interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

/** The examples of a media type, in any of the forms above. */
function examplesOf(media: Media): unknown[] {
  const out: unknown[] = [];
  if (media.example !== undefined) out.push(media.example);
  for (const example of Object.values(media.examples ?? {})) if (example.value !== undefined) out.push(example.value);
  if (Array.isArray(media.schema?.examples)) out.push(...(media.schema.examples as unknown[]));
  return out;
}

let document: Document;
const operations: { name: string; operation: Operation }[] = [];

/** Compiles a schema of the document, its `#/components/schemas/…` references resolved in the document. */
function validate(schema: Schema, value: unknown): string | null {
  const { examples: _examples, ...rest } = schema;
  const check = bodyAjv.compile({ ...rest, components: document.components ?? {} });
  return check(value) ? null : bodyAjv.errorsText(check.errors);
}

before(async () => {
  document = (await generateOpenApi()) as Document;
  for (const [path, byMethod] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(byMethod)) operations.push({ name: `${method.toUpperCase()} ${path}`, operation });
  }
});

describe('OpenAPI operations are documented with examples', () => {
  it('finds the operations', () => {
    assert.ok(operations.length >= 70, `only ${operations.length} operations in the document`);
  });

  it('src/api/openapi-docs.ts names only operations that exist', () => {
    const known = new Set(operations.map(({ name }) => name.replace(/\{(\w+)\}/g, ':$1')));
    assert.deepEqual(
      Object.keys(operationDocs).filter((key) => !known.has(key)),
      [],
    );
  });

  it('every operation has a summary and a description', () => {
    const missing = operations.flatMap(({ name, operation }) => [
      ...(operation.summary?.trim() ? [] : [`${name}: no summary`]),
      ...(operation.description?.trim() ? [] : [`${name}: no description`]),
    ]);
    assert.deepEqual(missing, []);
  });

  it('every operation with a body has an example request, valid against its schema', () => {
    const problems: string[] = [];
    for (const { name, operation } of operations) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        const examples = examplesOf(media);
        if (examples.length === 0) problems.push(`${name}: no example request (${type})`);
        for (const example of examples) {
          const error = media.schema === undefined ? null : validate(media.schema, example);
          if (error !== null) problems.push(`${name}: the example request is invalid: ${error}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every operation has an example of its success answer, valid against its schema', () => {
    const problems: string[] = [];
    for (const { name, operation } of operations) {
      const success = Object.entries(operation.responses ?? {}).filter(([code]) => code.startsWith('2'));
      if (success.length === 0) problems.push(`${name}: no success response`);
      for (const [code, response] of success) {
        const contents = Object.entries(response.content ?? {});
        if (contents.length === 0) problems.push(`${name}: ${code} has no content to give an example of`);
        for (const [type, media] of contents) {
          const examples = examplesOf(media);
          if (examples.length === 0) problems.push(`${name}: no example answer (${code} ${type})`);
          for (const example of examples) {
            const error = media.schema === undefined ? null : validate(media.schema, example);
            if (error !== null) problems.push(`${name}: the example answer ${code} is invalid: ${error}`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('examples follow the conventions: lowercase UUIDs, amounts as digit strings (the compat shapes excepted)', () => {
    const problems: string[] = [];
    const walk = (name: string, value: unknown, key: string): void => {
      if (typeof value === 'string' && /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-/.test(value) && value !== value.toLowerCase())
        problems.push(`${name}: ${key} is not a lowercase UUID`);
      if (/^(amount|.*Amount)$/.test(key) && value !== null && typeof value !== 'string') problems.push(`${name}: ${key} is not a string of digits`);
      if (Array.isArray(value)) for (const item of value) walk(name, item, key);
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(name, v, k);
    };
    for (const { name, operation } of operations.filter(({ name }) => !name.includes(' /compat/'))) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) for (const example of examplesOf(media)) walk(name, example, '');
      for (const response of Object.values(operation.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) for (const example of examplesOf(media)) walk(name, example, '');
      }
    }
    assert.deepEqual(problems, []);
  });
});
