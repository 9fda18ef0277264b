import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Reading the OpenAPI document for the hostile-input sweep: its routes, the fields of each body
 * (nested ones too), a valid example of any schema, a copy of a body with one field changed,
 * whether a value passes a schema, and the string fields that have no length limit.
 */
export type Schema = Record<string, unknown>;

export interface RouteDoc {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly { readonly in: string; readonly name: string; readonly required?: boolean; readonly schema: Schema }[];
  readonly body: Schema | undefined;
}

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
export const bodyAjv = addFormats(new Ajv({ strict: false, coerceTypes: false }));
export const textAjv = addFormats(new Ajv({ strict: false, coerceTypes: 'array' }));

export function accepts(ajv: Ajv, schema: Schema, value: unknown): boolean {
  return ajv.validate(schema, value) as boolean;
}

export function routesOf(document: {
  paths: Record<string, Record<string, { parameters?: RouteDoc['parameters']; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
}): RouteDoc[] {
  const routes: RouteDoc[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      routes.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return routes;
}

export function variantsOf(schema: Schema): Schema[] {
  return ((schema.anyOf ?? schema.oneOf) as Schema[] | undefined) ?? [schema];
}

/** The non-null variant to build on. */
export function main(schema: Schema): Schema {
  return variantsOf(schema).find((variant) => variant.type !== 'null') ?? schema;
}

export function isAmount(schema: Schema): boolean {
  return variantsOf(schema).some((variant) => variant.type === 'string' && typeof variant.pattern === 'string' && /\[0-9\]\+/.test(variant.pattern));
}

/** Free text: a string that is not an id, enum, date or amount. */
export function isFreeText(schema: Schema): boolean {
  const variant = main(schema);
  return variant.type === 'string' && variant.format === undefined && variant.enum === undefined && variant.const === undefined && !isAmount(schema);
}

export interface Resolver {
  /** A valid value for a uuid field named `name` (an existing object where that makes sense). */
  id(name: string): string;
  /** A valid value for a string field with a pattern, by name. */
  patterned(name: string): string;
  /** The value of a boolean field, by name (default false). */
  flag?(name: string): boolean;
}

/** A valid instance of `schema` with required fields only. */
export function exampleOf(schema: Schema, name: string, resolver: Resolver): unknown {
  const variant = main(schema);
  if (variant.const !== undefined) return variant.const;
  if (Array.isArray(variant.enum)) return variant.enum[0];
  if (isAmount(schema)) return '1';
  switch (variant.type) {
    case 'string':
      if (variant.format === 'uuid') return resolver.id(name);
      if (variant.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (typeof variant.pattern === 'string') return resolver.patterned(name);
      return 'x'.repeat(Math.max(1, Number(variant.minLength ?? 1)));
    case 'integer':
    case 'number':
      return Number(variant.minimum ?? 1);
    case 'boolean':
      return resolver.flag?.(name) ?? false;
    case 'array':
      return Number(variant.minItems ?? 0) > 0 ? [exampleOf(variant.items as Schema, name, resolver)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = (variant.properties ?? {}) as Record<string, Schema>;
      for (const key of (variant.required ?? []) as string[]) out[key] = exampleOf(properties[key] as Schema, key, resolver);
      return out;
    }
    default:
      return 'x';
  }
}

export interface Field {
  readonly path: readonly (string | number)[];
  readonly schema: Schema;
  /** The schema of each container on the way, to build missing parents. */
  readonly parents: readonly Schema[];
}

/** Every field of a body schema, nested objects and the first item of arrays included. */
export function fieldsOf(schema: Schema, path: readonly (string | number)[] = [], parents: readonly Schema[] = [], depth = 0): Field[] {
  if (depth > 6) return [];
  const variant = main(schema);
  const fields: Field[] = [];
  if (variant.type === 'object' && variant.properties !== undefined) {
    for (const [key, property] of Object.entries(variant.properties as Record<string, Schema>)) {
      const field = { path: [...path, key], schema: property, parents: [...parents, variant] };
      fields.push(field, ...fieldsOf(property, field.path, field.parents, depth + 1));
    }
  } else if (variant.type === 'array' && variant.items !== undefined) {
    const items = main(variant.items as Schema);
    fields.push(...fieldsOf(items, [...path, 0], [...parents, variant], depth + 1));
  }
  return fields;
}

/** Sets `value` at `path` in a copy of `base`, building missing parents from their schemas. */
export function withValue(base: unknown, field: Field, value: unknown, resolver: Resolver): unknown {
  const root = structuredClone(base) as Record<string | number, unknown>;
  let cursor = root;
  field.path.forEach((key, index) => {
    if (index === field.path.length - 1) {
      if (value === undefined) delete cursor[key];
      else cursor[key] = value;
      return;
    }
    if (cursor[key] === undefined || cursor[key] === null) {
      const next = field.parents[index + 1] as Schema;
      cursor[key] = next.type === 'array' ? [exampleOf(main(next.items as Schema), String(key), resolver)] : exampleOf(next, String(key), resolver);
    }
    cursor = cursor[key] as Record<string | number, unknown>;
  });
  return root;
}

/** String fields without a length limit: each is a finding (every text must be bounded). */
export function unboundedStrings(route: RouteDoc): string[] {
  const out: string[] = [];
  if (route.body !== undefined) {
    for (const field of fieldsOf(route.body)) {
      for (const variant of variantsOf(field.schema)) {
        const boundedPattern = typeof variant.pattern === 'string' && !/[*+]/.test(variant.pattern);
        if (
          variant.type === 'string' &&
          variant.maxLength === undefined &&
          !boundedPattern &&
          variant.format === undefined &&
          variant.enum === undefined &&
          variant.const === undefined
        )
          out.push(`${route.method} ${route.path} ${field.path.join('.')}`);
      }
    }
  }
  for (const parameter of route.parameters) {
    const variant = main(parameter.schema);
    if (
      parameter.in !== 'header' &&
      variant.type === 'string' &&
      variant.maxLength === undefined &&
      variant.format === undefined &&
      variant.enum === undefined &&
      variant.pattern === undefined
    ) {
      out.push(`${route.method} ${route.path} ${parameter.in} ${parameter.name}`);
    }
  }
  return out;
}
