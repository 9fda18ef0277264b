import {
  accepts,
  bodyAjv,
  exampleOf,
  fieldsOf,
  isAmount,
  isFreeText,
  main,
  type Resolver,
  type RouteDoc,
  type Schema,
  textAjv,
  withValue,
} from './openapi-schema.js';

/**
 * Generates hostile requests from the OpenAPI document: for every route, every body field
 * (nested ones too), query parameter, path parameter and declared header, values that are wrong
 * in type, missing, extra, out of bounds, too long, full of control characters, invalid UTF-8,
 * deeply nested, or carrying a planted card number and CVV. Each request must be refused.
 */

export interface HostileRequest {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: Buffer | string;
}

/** A Luhn-valid 16-digit Visa test number and a CVV, planted in every free-text field. */
export const plantedPan = '4539578763621486';
export const plantedPanGrouped = '4539 5787 6362 1486';
const plantedTexts = [
  plantedPan,
  `card ${plantedPanGrouped} exp 12/30 cvv 737`,
  `${plantedPan.slice(0, 4)}-${plantedPan.slice(4, 8)}-${plantedPan.slice(8, 12)}-${plantedPan.slice(12)}`,
];

const placeholder = '__HOSTILE_RAW_VALUE__';

/** JSON with raw bytes in place of the placeholder string (invalid UTF-8, hand-made nesting). */
function rawJson(document: unknown, raw: Buffer): Buffer {
  const parts = JSON.stringify(document).split(`"${placeholder}"`);
  return Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [raw, Buffer.from(part)])));
}

const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
const invalidUtf8 = [
  Buffer.from([0x22, 0xc3, 0x28, 0x22]),
  Buffer.from([0x22, 0x61, 0xff, 0x62, 0x22]),
  Buffer.from([0x22, 0xc0, 0xaf, 0x22]),
  Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]),
];

/** Values that fail a field's schema are sent; the always-hostile ones are sent to any field that could take them. */
function bodyCandidates(schema: Schema): { readonly label: string; readonly value: unknown }[] {
  const typed: [string, unknown][] = [
    ['null', null],
    ['true', true],
    ['zero', 0],
    ['negative', -1],
    ['fraction', 1.5],
    ['2^53+1', 2 ** 53 + 2],
    ['1e308', 1e308],
    ['empty string', ''],
    ['word', 'abc'],
    ['"-1"', '-1'],
    ['"1e3"', '1e3'],
    ['empty array', []],
    ['empty object', {}],
    ['operator object', { $gt: '' }],
    ['long string', 'x'.repeat(Number(main(schema).maxLength ?? 10_000) + 1)],
    ['100k string', 'y'.repeat(100_001)],
  ];
  const out = typed.filter(([, value]) => !accepts(bodyAjv, schema, value)).map(([label, value]) => ({ label, value }));
  const hostileText: [string, unknown][] = [
    ['NUL', 'Alice\u0000'],
    ['escape sequence', '\u001b[31mred'],
    ['bell', 'ding\u0007'],
    ['DEL', 'x\u007f'],
    ['C1 control', 'x\u0085'],
    ['lone surrogate', '\ud800x'],
    ...plantedTexts.map((text, index): [string, unknown] => [`planted card ${index}`, text]),
  ];
  const freeText = isFreeText(schema);
  for (const [label, value] of hostileText) if (freeText || !accepts(bodyAjv, schema, value)) out.push({ label, value });
  if (isAmount(schema)) {
    out.push(
      { label: '2^63', value: '9223372036854775808' },
      { label: '40 nines', value: '9'.repeat(40) },
      { label: 'u128 max', value: (2n ** 128n - 1n).toString() },
    );
  }
  return out;
}

export interface SweepContext {
  readonly resolver: Resolver;
  readonly pathValue: (route: RouteDoc, name: string) => string;
}

function urlOf(route: RouteDoc, context: SweepContext, override?: { readonly name: string; readonly raw: string }, query = ''): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    override?.name === name ? override.raw : encodeURIComponent(context.pathValue(route, name)),
  );
  return `${path}${query === '' ? '' : `?${query}`}`;
}

const json = { 'content-type': 'application/json' };

function bodyRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  if (route.body === undefined) return [];
  const base = exampleOf(route.body, 'body', context.resolver);
  const url = urlOf(route, context);
  const make = (label: string, payload: Buffer | string, headers: Record<string, string> = json): HostileRequest => ({
    label,
    method: route.method,
    url,
    headers,
    payload,
  });
  // Whole bodies that are not what the route takes; one the schema accepts (a null or empty body
  // where the body is optional, a byte-order mark before a valid document) is not hostile and is
  // skipped. An empty body with a JSON content type is read as no body (src/api/strict-input.ts).
  const wholeBodies = [
    'null',
    '[]',
    '"text"',
    '1',
    'true',
    '{',
    '{"a":',
    '',
    '\ufeff{}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    deepArray,
    deepObject,
  ].filter((text) => {
    try {
      return !accepts(bodyAjv, route.body as Schema, JSON.parse(text.trim() === '' ? 'null' : text.replace(/^\ufeff/, '')));
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
    for (const [index, raw] of invalidUtf8.entries()) requests.push(make(`${name}: invalid UTF-8 ${index}`, rawJson(withPlaceholder, raw)));
    requests.push(
      make(`${name}: deep array`, rawJson(withPlaceholder, Buffer.from(deepArray))),
      make(`${name}: deep object`, rawJson(withPlaceholder, Buffer.from(deepObject))),
    );
    const fieldSchema = main(field.schema);
    if (fieldSchema.type === 'object' && fieldSchema.properties !== undefined) {
      requests.push(
        make(
          `${name}: extra nested field`,
          JSON.stringify(withValue(base, field, { ...(exampleOf(fieldSchema, name, context.resolver) as object), unexpectedField: 1 }, context.resolver)),
        ),
      );
    }
    const record = fieldSchema.type === 'object' && fieldSchema.properties === undefined;
    if (record) {
      for (const text of [...plantedTexts, 'a\u0000b', '\u001b[2J']) {
        requests.push(make(`${name}: hostile value in map`, JSON.stringify(withValue(base, field, { note: text }, context.resolver))));
        requests.push(make(`${name}: hostile key in map`, JSON.stringify(withValue(base, field, { [text]: 'x' }, context.resolver))));
      }
      requests.push(make(`${name}: nested map value`, JSON.stringify(withValue(base, field, { note: { deep: 'x' } }, context.resolver))));
      requests.push(
        make(
          `${name}: too many keys`,
          JSON.stringify(withValue(base, field, Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v'])), context.resolver)),
        ),
      );
    }
  }
  return requests;
}

const queryTexts: readonly [string, string][] = [
  ['word', 'abc'],
  ['negative', '-1'],
  ['zero', '0'],
  ['fraction', '1.5'],
  ['exponent', '1e3'],
  ['huge', '99999999999999999999999'],
  ['empty', ''],
  ['not a uuid', 'not-a-uuid'],
  ['NUL', 'a%00b'],
  ['escape', '%1B%5B31m'],
  ['invalid UTF-8 FF', '%FF'],
  ['invalid UTF-8 C328', '%C3%28'],
  ['bad escape', '%G1'],
  ['planted card', plantedPan],
  ['planted card grouped', encodeURIComponent(`card ${plantedPanGrouped} cvv 737`)],
  ['lone surrogate', '%ED%A0%80'],
];

function parameterRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  const requests: HostileRequest[] = [];
  const body = route.body === undefined ? undefined : JSON.stringify(exampleOf(route.body, 'body', context.resolver));
  const make = (label: string, url: string, headers: Record<string, string> = {}): HostileRequest => ({
    label,
    method: route.method,
    url,
    headers: body === undefined ? headers : { ...json, ...headers },
    ...(body !== undefined ? { payload: body } : {}),
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
      const alwaysHostile =
        decoded === null ||
        /[\u0000-\u001f]/.test(decoded) ||
        decoded.includes(plantedPan) ||
        decoded.includes(plantedPanGrouped) ||
        /\p{Cs}/u.test(decoded) ||
        label.startsWith('invalid') ||
        label === 'lone surrogate';
      const invalid = decoded === null || !accepts(textAjv, parameter.schema, decoded);
      if (!invalid && !(alwaysHostile && free)) continue;
      if (parameter.in === 'query') requests.push(make(`query ${parameter.name}: ${label}`, urlOf(route, context, undefined, `${parameter.name}=${raw}`)));
      if (parameter.in === 'path' && raw !== '') requests.push(make(`path ${parameter.name}: ${label}`, urlOf(route, context, { name: parameter.name, raw })));
    }
    if (parameter.in === 'query')
      requests.push(make(`query ${parameter.name}: repeated`, urlOf(route, context, undefined, `${parameter.name}=a&${parameter.name}=b`)));
    if (parameter.in === 'header' && parameter.name === 'idempotency-key') {
      // A key that merely looks like a card number is accepted (keys are stored hashed and never
      // screened, PRODUCT §5): test/api/idempotency.test.ts checks it lands in no table.
      for (const [label, value] of [
        ['too long', 'k'.repeat(256)],
        ['space', 'a b'],
        ['empty', ''],
      ] as const) {
        requests.push(make(`header ${parameter.name}: ${label}`, urlOf(route, context), { [parameter.name]: value }));
      }
    }
  }
  if (route.parameters.some((parameter) => parameter.in === 'query'))
    requests.push(make('query: unknown parameter', urlOf(route, context, undefined, 'unexpected=1')));
  return requests;
}

/** Every hostile request for one route. */
export function hostileRequests(route: RouteDoc, context: SweepContext): HostileRequest[] {
  return [...bodyRequests(route, context), ...parameterRequests(route, context)];
}
