import { assert } from './assert.js';

/** A JSON value as the canonicaliser accepts it: no undefined, no functions, no bigint (encode money as strings). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Nesting deeper than this is a programmer error: the journal's documents are two levels deep. */
const depthMax = 64;

/** In Unicode mode a surrogate pair is one code point, so this matches only a lone surrogate. */
const loneSurrogate = /\p{Cs}/u;

/**
 * What JSON.stringify escapes in a string: the quote, the backslash, C0 controls, and UTF-16
 * surrogates (a pair is written as is, a lone one as \uXXXX). Without the `u` flag this also
 * matches each half of a pair, which only sends such strings down the slower exact path.
 */
const escapedByStringify = /["\\\u0000-\u001f\ud800-\udfff]/;

function serializeString(value: string): string {
  // RFC 8785 §3.2.2.2: strings are serialized as ECMAScript JSON.stringify does, and must be
  // well-formed Unicode: a lone surrogate has no canonical UTF-8 form. Most strings (ids, times,
  // amounts) have nothing to escape, so JSON.stringify would only add the quotes; adding them
  // here takes a quarter of the time, and every journal body is made of such strings.
  if (!escapedByStringify.test(value)) return `"${value}"`;
  assert(!loneSurrogate.test(value), 'canonical JSON strings are well-formed Unicode');
  return JSON.stringify(value);
}

function serializeNumber(value: number): string {
  // RFC 8785 §3.2.2.3: the ECMAScript Number-to-String algorithm, which JSON.stringify applies
  // (it also writes -0 as 0). NaN and Infinity have no JSON form.
  assert(Number.isFinite(value), 'canonical JSON numbers are finite');
  return JSON.stringify(value);
}

const tooDeep = `canonical JSON is at most ${depthMax} levels deep`;

function serialize(value: JsonValue, depth: number): string {
  assert(depth <= depthMax, tooDeep);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return serializeNumber(value);
    case 'string':
      return serializeString(value);
    case 'object':
      break;
    default:
      assert(false, `canonical JSON cannot encode a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly JsonValue[]).map((item) => serialize(item, depth + 1)).join(',')}]`;
  }
  const record = value as { readonly [key: string]: JsonValue };
  // RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units, which is
  // exactly the default ordering of Array.prototype.sort on strings.
  const keys = Object.keys(record).sort();
  let members = '';
  for (const key of keys) {
    const member = record[key];
    // The message is built only on failure: this runs for every member of every journal body.
    if (member === undefined) assert(false, `canonical JSON member ${key} is defined`);
    members += `${members === '' ? '' : ','}${serializeString(key)}:${serialize(member, depth + 1)}`;
  }
  return `{${members}}`;
}

/**
 * The JSON Canonicalization Scheme (RFC 8785): no whitespace, object members sorted by name,
 * strings and numbers serialized as ECMAScript does. Two equal values give the same text, so
 * the text can be hashed.
 *
 * @example canonicalJson({ b: '2', a: [true, null] }) === '{"a":[true,null],"b":"2"}'
 */
export function canonicalJson(value: JsonValue): string {
  return serialize(value, 0);
}
