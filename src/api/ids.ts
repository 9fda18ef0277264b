/**
 * The one id grammar of the API: a UUID written as 8-4-4-4-12 hexadecimal digits, nothing
 * around it (no `urn:uuid:`, no braces). Either case is accepted and turned to lower case at the
 * edge, so every route finds an id however it was typed. Schemas say `format: 'uuid'` (the `Uuid`
 * schema of schemas/common.ts); the validator checks this grammar and `normalizeIds` lower-cases
 * what passed. To accept another spelling of an id somewhere (a wallet serial), give that field
 * its own format and extend `idFormats` here.
 */
export const uuidText = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True for an id in the API's grammar (either case). */
export function isUuid(value: string): boolean {
  return uuidText.test(value);
}

/** The canonical (lower-case) spelling of an id, or null when it is not one. */
export function parseUuid(value: string): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/** Formats whose values are ids, normalised by `normalizeIds`. */
const idFormats = new Set(['uuid']);

type Schema = Readonly<Record<string, unknown>>;

function isIdSchema(schema: Schema): boolean {
  return typeof schema.format === 'string' && idFormats.has(schema.format);
}

function variants(schema: Schema): readonly Schema[] {
  return ((schema.anyOf ?? schema.oneOf ?? schema.allOf) as Schema[] | undefined) ?? [schema];
}

function normalizeValue(schema: Schema, value: unknown): unknown {
  if (typeof value === 'string') return variants(schema).some(isIdSchema) ? (parseUuid(value) ?? value) : value;
  normalizeIds(schema, value);
  return value;
}

/**
 * Lower-cases, in place, every id of validated request data (params, query, body), walking the
 * data beside its schema: object properties, array items and the branches of unions.
 */
export function normalizeIds(schema: Schema | undefined, data: unknown, depth = 0): void {
  if (schema === undefined || depth > 32 || typeof data !== 'object' || data === null) return;
  for (const option of variants(schema)) {
    if (Array.isArray(data)) {
      const items = option.items as Schema | undefined;
      if (items !== undefined) for (let index = 0; index < data.length; index++) data[index] = normalizeValue(items, data[index]);
      continue;
    }
    const record = data as Record<string, unknown>;
    const properties = option.properties as Record<string, Schema> | undefined;
    if (properties === undefined) continue;
    for (const [key, child] of Object.entries(properties)) {
      if (key in record) record[key] = normalizeValue(child, record[key]);
    }
  }
}
