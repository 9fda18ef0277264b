/**
 * The JSON Canonicalization Scheme (RFC 8785) the journal hashes: the RFC's own examples for
 * member ordering by UTF-16 code units, number serialization and string escaping, and refusal
 * of what has no canonical form (lone surrogates, NaN, undefined members). As a seeded property
 * (replay with FC_SEED=<seed>): every string, as a value or a member name, is written exactly as
 * JSON.stringify writes it (the quick path for strings with nothing to escape must not differ),
 * or refused when it holds a lone surrogate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, type JsonValue } from '../../src/domain/canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('serializes the RFC 8785 §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as JsonValue;
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input: Record<string, string> = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Integer-like keys come first in JavaScript's own property order, so compare the text itself.
    const expected = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((key) => `${JSON.stringify(key)}:${JSON.stringify(input[key])}`);
    assert.equal(canonicalJson(input), `{${expected.join(',')}}`);
  });

  const cases: readonly (readonly [string, JsonValue, string])[] = [
    ['empty object', {}, '{}'],
    ['empty array', [], '[]'],
    ['nested, whitespace removed', { b: [1, { d: null, c: 'x' }], a: true }, '{"a":true,"b":[1,{"c":"x","d":null}]}'],
    ['negative zero', -0, '0'],
    ['large integer', 9007199254740991, '9007199254740991'],
    ['control characters escaped in short form or \\u00XX', '\b\t\n\f\r\u0001\u001f', '"\\b\\t\\n\\f\\r\\u0001\\u001f"'],
    ['non-ASCII kept as UTF-8, not escaped', 'café €', '"café €"'],
    ['a surrogate pair kept', '\ud83d\ude00', '"😀"'],
  ];
  for (const [name, value, expected] of cases) {
    it(`serializes ${name}`, () => assert.equal(canonicalJson(value), expected));
  }

  const refused: readonly (readonly [string, unknown])[] = [
    ['a lone high surrogate', '\ud83d'],
    ['a lone low surrogate in a key', { '\ude00': 1 }],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an undefined member', { a: undefined }],
    ['a bigint', 1n],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => canonicalJson(value as JsonValue), /assertion failed/));
  }

  it('gives equal text for equal values whatever the member order', () => {
    assert.equal(canonicalJson({ a: '1', b: { y: [1, 2], x: null } }), canonicalJson({ b: { x: null, y: [1, 2] }, a: '1' }));
  });
});

describe('canonicalJson strings (property)', () => {
  const seed = Number(process.env.FC_SEED ?? 20260212);
  // Biased towards what needs escaping: quotes, backslashes, C0 controls, DEL, surrogates (paired or not).
  const tricky = fc.constantFrom('"', '\\', '\u0000', '\n', '\u001f', '\u007f', '\u2028', 'é', '😀', '\ud83d', '\ude00', 'a', '0', '-', ' ');
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }),
    fc.uuid(),
  );

  it(`writes every well-formed string as JSON.stringify does and refuses the rest [seed ${seed}]`, () => {
    const outcomes = { written: 0, escaped: 0, refused: 0 };
    fc.assert(
      fc.property(text, (value) => {
        if (/\p{Cs}/u.test(value)) {
          assert.throws(() => canonicalJson(value), /well-formed Unicode/);
          assert.throws(() => canonicalJson({ [value]: 1 }), /well-formed Unicode/);
          outcomes.refused += 1;
          return;
        }
        assert.equal(canonicalJson(value), JSON.stringify(value));
        assert.equal(canonicalJson({ [value]: value }), `{${JSON.stringify(value)}:${JSON.stringify(value)}}`);
        if (JSON.stringify(value) === `"${value}"`) outcomes.written += 1;
        else outcomes.escaped += 1;
      }),
      { seed, numRuns: 20_000 },
    );
    // Both paths and the refusal must be reached, or the property proves less than it says.
    assert.ok(outcomes.written >= 1000 && outcomes.escaped >= 1000 && outcomes.refused >= 1000, JSON.stringify(outcomes));
  });
});
