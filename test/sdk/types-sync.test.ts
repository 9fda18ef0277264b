/**
 * The SDK's generated files match what the current server generates: packages/sdk/src/openapi.d.ts
 * (openapi-typescript over the served OpenAPI document) and packages/sdk/src/codes.ts (the error
 * catalogue). A route or error code changed without `npm run sdk:types` fails here.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { renderCodes, renderOpenApiTypes, targets } from '../../scripts/sdk-types.js';
import { errorStatuses } from '../../packages/sdk/src/codes.js';
import { statusOf } from '../../src/api/errors.js';

describe('sdk generated types', () => {
  it('openapi.d.ts is what openapi-typescript generates from the current OpenAPI document', async () => {
    const committed = await readFile(targets.openapi, 'utf8');
    const generated = await renderOpenApiTypes();
    assert.ok(committed === generated, 'packages/sdk/src/openapi.d.ts is out of date: run npm run sdk:types');
  });

  it('codes.ts is the server error catalogue, code for code and status for status', async () => {
    assert.equal(await readFile(targets.codes, 'utf8'), renderCodes(), 'packages/sdk/src/codes.ts is out of date: run npm run sdk:types');
    assert.deepEqual({ ...errorStatuses }, { ...statusOf });
  });
});
