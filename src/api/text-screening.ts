import { screenText, textProblemMessages } from '../domain/text-screen.js';

type Schema = Readonly<Record<string, unknown>>;

/** A validation error in Ajv's shape, so the one error handler reports it like any other. */
export interface ScreeningIssue {
  readonly instancePath: string;
  readonly keyword: 'textScreen';
  readonly message: string;
  readonly params: Record<string, unknown>;
}

/** Depth of the walk; validated request data of Coffer's schemas is a few levels deep. */
const depthMax = 32;

/** Strings a schema constrains to digits (amounts) or to a format are never free text. */
function exempt(schema: Schema): boolean {
  const pattern = schema.pattern;
  return (
    (typeof pattern === 'string' && /^\^-?\??\[0-9\]\+\$$/.test(pattern)) ||
    typeof schema.format === 'string' ||
    Array.isArray(schema.enum) ||
    'const' in schema
  );
}

function variants(schema: Schema): readonly Schema[] {
  const list = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  return list ?? [schema];
}

/** For object data under a union, the variant whose properties cover the data's keys. */
function objectVariant(options: readonly Schema[], data: Record<string, unknown>): Schema | undefined {
  const objects = options.filter((option) => option.type === 'object' || option.properties !== undefined || option.patternProperties !== undefined);
  const keys = Object.keys(data);
  const kind = data.kind;
  return (
    objects.find((option) => {
      const properties = (option.properties ?? {}) as Record<string, Schema>;
      const kindSchema = properties.kind;
      return (
        kindSchema !== undefined && kind !== undefined && (kindSchema.const === kind || (Array.isArray(kindSchema.enum) && kindSchema.enum.includes(kind)))
      );
    }) ??
    objects.find((option) => keys.every((key) => key in ((option.properties ?? {}) as object))) ??
    objects[0]
  );
}

function childSchema(schema: Schema, key: string): Schema | undefined {
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties?.[key] !== undefined) return properties[key];
  const patterns = schema.patternProperties as Record<string, Schema> | undefined;
  if (patterns !== undefined) return Object.values(patterns)[0];
  return typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined;
}

function screenString(value: string, path: string, what: string): ScreeningIssue | null {
  const problem = screenText(value);
  return problem === null ? null : { instancePath: path, keyword: 'textScreen', message: `${what} ${textProblemMessages[problem]}`, params: { problem } };
}

/**
 * Walks validated request data beside its schema and returns the first free-text string (or
 * object key) that must be refused: control characters, lone surrogates, card numbers. Amounts
 * (digit-only strings), ids and enums are not free text and are left alone.
 */
export function screenRequestData(schema: Schema | undefined, data: unknown, path = '', depth = 0): ScreeningIssue | null {
  if (depth > depthMax) return { instancePath: path, keyword: 'textScreen', message: 'is nested too deeply', params: {} };
  const options = schema === undefined ? [] : variants(schema);
  if (typeof data === 'string') {
    const stringOptions = options.filter((option) => option.type === 'string' || option.type === undefined);
    if (stringOptions.length > 0 && stringOptions.every(exempt)) return null;
    return screenString(data, path, 'text');
  }
  if (Array.isArray(data)) {
    const arraySchema = options.find((option) => option.type === 'array');
    const items = arraySchema?.items as Schema | undefined;
    for (let index = 0; index < data.length; index++) {
      const issue = screenRequestData(items, data[index], `${path}/${index}`, depth + 1);
      if (issue !== null) return issue;
    }
    return null;
  }
  if (typeof data === 'object' && data !== null) {
    const record = data as Record<string, unknown>;
    const objectSchema = objectVariant(options, record);
    for (const [key, value] of Object.entries(record)) {
      const keyIssue = screenString(key, `${path}/${key}`, 'the field name');
      if (keyIssue !== null) return keyIssue;
      const issue = screenRequestData(objectSchema === undefined ? undefined : childSchema(objectSchema, key), value, `${path}/${key}`, depth + 1);
      if (issue !== null) return issue;
    }
  }
  return null;
}
