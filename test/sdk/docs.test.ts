/**
 * docs/sdk.md stays true: every ```ts block is extracted to a compiled example file
 * (packages/sdk/examples, compiled by `npm run typecheck`), and the defaults table states exactly
 * the defaults the code uses.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../packages/sdk/src/index.js';
import { docBlocks, docUrl, examplesDir, renderExamples } from '../../scripts/sdk-examples.js';

describe('docs/sdk.md', () => {
  it('every ts block is extracted, verbatim, to an example file that typecheck compiles (npm run sdk:examples)', async () => {
    const markdown = await readFile(docUrl, 'utf8');
    const blocks = docBlocks(markdown);
    assert.ok(blocks.length >= 15, 'a quick start and a worked example per resource');
    const rendered = renderExamples(markdown);
    const committed = (await readdir(examplesDir)).filter((name) => /^doc-[0-9]+\.ts$/.test(name)).sort();
    assert.deepEqual(committed, [...rendered.keys()].sort(), 'one example file per block, no stale ones');
    for (const [name, text] of rendered) {
      assert.equal(await readFile(new URL(name, examplesDir), 'utf8'), text, `${name} is out of date: run npm run sdk:examples`);
    }
    blocks.forEach((block, index) => {
      const file = rendered.get(`doc-${String(index + 1).padStart(2, '0')}.ts`) as string;
      for (const line of block.split('\n')) assert.ok(file.includes(line), `block ${index + 1} line missing from its example: ${line}`);
    });
    const tsconfig = JSON.parse(await readFile(new URL('tsconfig.json', examplesDir), 'utf8')) as { include: string[] };
    assert.deepEqual(tsconfig.include, ['./*.ts']);
    const scripts = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.typecheck ?? '', /typecheck:examples/);
    assert.match(scripts['typecheck:examples'] ?? '', /packages\/sdk\/examples\/tsconfig\.json/);
  });

  it('the defaults table states the defaults the code uses', async () => {
    const markdown = await readFile(docUrl, 'utf8');
    const section = markdown.split(/^## /m).find((part) => part.startsWith('Defaults')) ?? '';
    const stated: Record<string, number> = {};
    for (const match of section.matchAll(/^\| `([A-Za-z]+)` \| ([0-9_ ]+) \|/gm))
      stated[match[1] as string] = Number((match[2] as string).replace(/[_ ]/g, ''));
    assert.deepEqual(stated, { ...DEFAULTS }, 'docs/sdk.md "Defaults" differs from DEFAULTS in packages/sdk/src/http.ts');
  });
});
