/** The error reference is generated from the catalogue, so every code is documented with its HTTP status. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { renderErrorsDoc } from '../scripts/errors-doc.js';

it('docs/errors.md documents every error code (regenerate with npm run docs:errors)', async () => {
  const committed = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(committed, renderErrorsDoc());
});
