import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Generates hostile requests from the OpenAPI document: for every route, every body field
 * (nested ones too), query parameter, path parameter and declared header, values that are wrong
 * in type, missing, extra, out of bounds, too long, full of control characters, invalid UTF-8,
 * deeply nested, or carrying a planted card number and CVV. Each request must be refused.
 */
export type Schema = Record<string, unknown>;

export interface HostileRequest {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: Buffer | string;
}

export interface RouteDoc {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly { readonly in: string; readonly name: string; readonly required?: boolean; readonly schema: Schema }[];
  readonly body: Schema | undefined;
}

/** A Luhn-valid 16-digit Visa test number and a CVV, planted in every free-text field. */
export const plantedPan = '4539578763621486';
export const plantedPanGrouped = '4539 5787 6362 1486';
const plantedTexts = [plantedPan, `card ${plantedPanGrouped} exp 12/30 cvv 737`, `${plantedPan.slice(0, 4)}-${plantedPan.slice(4, 8)}-${plantedPan.slice(8, 12)}-${plantedPan.slice(12)}`];

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const bodyAjv = addFormats(new Ajv({ strict: false, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ strict: false, coerceTypes: 'array' }));

function accepts(ajv: Ajv, schema: Schema, value: unknown): boolean {
  return ajv.validate(schema, value) as boolean;
}

export function routesOf(document: { paths: Record<string, Record<string, { parameters?: RouteDoc['parameters']; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): RouteDoc[] {
  const routes: RouteDoc[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      routes.push({ method: method.toUpperCase(), path, parameters: operation.parameters ?? [], body: operation.requestBody?.content?.['application/json']?.schema });
    }
  }
  return routes;
}

function variantsOf(schema: Schema): Schema[] {
  return ((schema.anyOf ?? schema.oneOf) as Schema[] | undefined) ?? [schema];
}

/** The non-null variant to build on. */
function main(schema: Schema): Schema {
  return variantsOf(schema).find((variant) => variant.type !== 'null') ?? schema;
}

function isAmount(schema: Schema): boolean {
  return variantsOf(schema).some((variant) => variant.type === 'string' && typeof variant.pattern === 'string' && /\[0-9\]\+/.test(variant.pattern));
}

/** Free text: a string that is not an id, enum, date or amount. */
function isFreeText(schema: Schema): boolean {
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

interface Field {
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

const placeholder = '__HOSTILE_RAW_VALUE__';

/** Sets `value` at `path` in a copy of `base`, building missing parents from their schemas. */
function withValue(base: unknown, field: Field, value: unknown, resolver: Resolver): unknown {
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

/** JSON with raw bytes in place of the placeholder string (invalid UTF-8, hand-made nesting). */
function rawJson(document: unknown, raw: Buffer): Buffer {
  const parts = JSON.stringify(document).split(`"${placeholder}"`);
  return Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [raw, Buffer.from(part)])));
}

const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
const invalidUtf8 = [Buffer.from([0x22, 0xc3, 0x28, 0x22]), Buffer.from([0x22, 0x61, 0xff, 0x62, 0x22]), Buffer.from([0x22, 0xc0, 0xaf, 0x22]), Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])];

/** Values that fail a field's schema are sent; the always-hostile ones are sent to any field that could take them. */
function bodyCandidates(schema: Schema): { readonly label: string; readonly value: unknown }[] {
  const typed: [string, unknown][] = [
    ['null', null], ['true', true], ['zero', 0], ['negative', -1], ['fraction', 1.5], ['2^53+1', 2 ** 53 + 2], ['1e308', 1e308],
    ['empty string', ''], ['word', 'abc'], ['"-1"', '-1'], ['"1e3"', '1e3'], ['empty array', []], ['empty object', {}], ['operator object', { $gt: '' }],
    ['long string', 'x'.repeat(Number(main(schema).maxLength ?? 10_000) + 1)], ['100k string', 'y'.repeat(100_001)],
  ];
  const out = typed.filter(([, value]) => !accepts(bodyAjv, schema, value)).map(([label, value]) => ({ label, value }));
  const hostileText: [string, unknown][] = [
    ['NUL', 'Alice\u0000'], ['escape sequence', '\u001b[31mred'], ['bell', 'ding\u0007'], ['DEL', 'x\u007f'], ['C1 control', 'x\u0085'], ['lone surrogate', '\ud800x'],
    ...plantedTexts.map((text, index): [string, unknown] => [`planted card ${index}`, text]),
  ];
  const freeText = isFreeText(schema);
  for (const [label, value] of hostileText) if (freeText || !accepts(bodyAjv, schema, value)) out.push({ label, value });
  if (isAmount(schema)) {
    out.push({ label: '2^63', value: '9223372036854775808' }, { label: '40 nines', value: '9'.repeat(40) }, { label: 'u128 max', value: (2n ** 128n - 1n).toString() });
  }
  return out;
}

export interface SweepContext {
  readonly resolver: Resolver;
  readonly pathValue: (route: RouteDoc, name: string) => string;
}

function urlOf(route: RouteDoc, context: SweepContext, override?: { readonly name: string; readonly raw: string }, query = ''): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (override?.name === name ? override.raw : encodeURIComponent(context.pathValue(route, name))));
  return `${path}${query === '' ? '' : `?${query}`}`;
}

const json = { 'content-type': 'application/json' };

function bodyRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  if (route.body === undefined) return [];
  const base = exampleOf(route.body, 'body', context.resolver);
  const url = urlOf(route, context);
  const make = (label: string, payload: Buffer | string, headers: Record<string, string> = json): HostileRequest => ({ label, method: route.method, url, headers, payload });
  // Whole bodies that are not what the route takes; one the schema accepts (a null body where the
  // body is optional, a byte-order mark before a valid document) is not hostile and is skipped.
  const wholeBodies = ['null', '[]', '"text"', '1', 'true', '{', '{"a":', '', '\ufeff{}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', deepArray, deepObject].filter((text) => {
    try {
      return !accepts(bodyAjv, route.body as Schema, JSON.parse(text.replace(/^\ufeff/, '')));
    } catch {
      return true;
    }
  });
  const requests: HostileRequest[] = [
    ...wholeBodies.map((text) => make(`body ${text.slice(0, 12)}`, text)),
    make('body as text/plain', JSON.stringify(base), { 'content-type': 'text/plain' }),
    make('body invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
    make('extra top-level field', JSON.stringify({ ...(base as object), unexpectedField: 'x' })),
  ];
  for (const field of fieldsOf(route.body)) {
    const name = field.path.join('.');
    const parent = field.parents.at(-1) as Schema;
    const key = field.path.at(-1);
    if (typeof key === 'string' && ((parent.required ?? []) as string[]).includes(key)) {
      requests.push(make(`${name}: missing`, JSON.stringify(withValue(base, field, undefined, context.resolver))));
    }
    for (const candidate of bodyCandidates(field.schema)) {
      requests.push(make(`${name}: ${candidate.label}`, JSON.stringify(withValue(base, field, candidate.value, context.resolver))));
    }
    const withPlaceholder = withValue(base, field, placeholder, context.resolver);
    invalidUtf8.forEach((raw, index) => requests.push(make(`${name}: invalid UTF-8 ${index}`, rawJson(withPlaceholder, raw))));
    requests.push(make(`${name}: deep array`, rawJson(withPlaceholder, Buffer.from(deepArray))), make(`${name}: deep object`, rawJson(withPlaceholder, Buffer.from(deepObject))));
    const fieldSchema = main(field.schema);
    if (fieldSchema.type === 'object' && fieldSchema.properties !== undefined) {
      requests.push(make(`${name}: extra nested field`, JSON.stringify(withValue(base, field, { ...(exampleOf(fieldSchema, name, context.resolver) as object), unexpectedField: 1 }, context.resolver))));
    }
    const record = fieldSchema.type === 'object' && fieldSchema.properties === undefined;
    if (record) {
      for (const text of [...plantedTexts, 'a\u0000b', '\u001b[2J']) {
        requests.push(make(`${name}: hostile value in map`, JSON.stringify(withValue(base, field, { note: text }, context.resolver))));
        requests.push(make(`${name}: hostile key in map`, JSON.stringify(withValue(base, field, { [text]: 'x' }, context.resolver))));
      }
      requests.push(make(`${name}: nested map value`, JSON.stringify(withValue(base, field, { note: { deep: 'x' } }, context.resolver))));
      requests.push(make(`${name}: too many keys`, JSON.stringify(withValue(base, field, Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v'])), context.resolver))));
    }
  }
  return requests;
}

const queryTexts: readonly [string, string][] = [
  ['word', 'abc'], ['negative', '-1'], ['zero', '0'], ['fraction', '1.5'], ['exponent', '1e3'], ['huge', '99999999999999999999999'], ['empty', ''],
  ['not a uuid', 'not-a-uuid'], ['NUL', 'a%00b'], ['escape', '%1B%5B31m'], ['invalid UTF-8 FF', '%FF'], ['invalid UTF-8 C328', '%C3%28'], ['bad escape', '%G1'],
  ['planted card', plantedPan], ['planted card grouped', encodeURIComponent(`card ${plantedPanGrouped} cvv 737`)], ['lone surrogate', '%ED%A0%80'],
];

function parameterRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  const requests: HostileRequest[] = [];
  const body = route.body === undefined ? undefined : JSON.stringify(exampleOf(route.body, 'body', context.resolver));
  const make = (label: string, url: string, headers: Record<string, string> = {}): HostileRequest => ({
    label, method: route.method, url, headers: body === undefined ? headers : { ...json, ...headers }, ...(body !== undefined ? { payload: body } : {}),
  });
  for (const parameter of route.parameters) {
    const free = isFreeText(parameter.schema);
    const long = 'x'.repeat(Number(parameter.schema.maxLength ?? 10_000) + 1);
    const texts: [string, string][] = [...queryTexts, ['long', long]];
    for (const [label, raw] of texts) {
      let decoded: string | null;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        decoded = null;
      }
      const alwaysHostile = decoded === null || /[\u0000-\u001f]/.test(decoded) || decoded.includes(plantedPan) || decoded.includes(plantedPanGrouped) || /\p{Cs}/u.test(decoded) || label.startsWith('invalid') || label === 'lone surrogate';
      const invalid = decoded === null || !accepts(textAjv, parameter.schema, decoded);
      if (!invalid && !(alwaysHostile && free)) continue;
      if (parameter.in === 'query') requests.push(make(`query ${parameter.name}: ${label}`, urlOf(route, context, undefined, `${parameter.name}=${raw}`)));
      if (parameter.in === 'path' && raw !== '') requests.push(make(`path ${parameter.name}: ${label}`, urlOf(route, context, { name: parameter.name, raw })));
    }
    if (parameter.in === 'query') requests.push(make(`query ${parameter.name}: repeated`, urlOf(route, context, undefined, `${parameter.name}=a&${parameter.name}=b`)));
    if (parameter.in === 'header' && parameter.name === 'idempotency-key') {
      for (const [label, value] of [['too long', 'k'.repeat(256)], ['planted card', plantedPan], ['planted card in key', `order-${plantedPan}`], ['space', 'a b'], ['empty', '']] as const) {
        requests.push(make(`header ${parameter.name}: ${label}`, urlOf(route, context), { [parameter.name]: value }));
      }
    }
  }
  if (route.parameters.some((parameter) => parameter.in === 'query')) requests.push(make('query: unknown parameter', urlOf(route, context, undefined, 'unexpected=1')));
  return requests;
}

/** Every hostile request for one route. */
export function hostileRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  return [...bodyRequests(route, context), ...parameterRequests(route, context)];
}

/** String fields without a length limit: each is a finding (every text must be bounded). */
export function unboundedStrings(route: RouteDoc): string[] {
  const out: string[] = [];
  if (route.body !== undefined) {
    for (const field of fieldsOf(route.body)) {
      for (const variant of variantsOf(field.schema)) {
        const boundedPattern = typeof variant.pattern === 'string' && !/[*+]/.test(variant.pattern);
        if (variant.type === 'string' && variant.maxLength === undefined && !boundedPattern && variant.format === undefined && variant.enum === undefined && variant.const === undefined) out.push(`${route.method} ${route.path} ${field.path.join('.')}`);
      }
    }
  }
  for (const parameter of route.parameters) {
    const variant = main(parameter.schema);
    if (parameter.in !== 'header' && variant.type === 'string' && variant.maxLength === undefined && variant.format === undefined && variant.enum === undefined && variant.pattern === undefined) {
      out.push(`${route.method} ${route.path} ${parameter.in} ${parameter.name}`);
    }
  }
  return out;
}
