/**
 * The layering of STYLE.md: imports flow domain ← store ← services ← api ← cli, and the domain
 * is pure (no node:*, no drivers or frameworks, no clock, no environment).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../src/', import.meta.url).pathname;
const layers = ['domain', 'store', 'services', 'api', 'cli'];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))));
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

const sources = await Promise.all((await files(root)).map(async (file) => ({ file: relative(root, file), text: await readFile(file, 'utf8') })));

describe('architecture', () => {
  it('imports only from the same or lower layers', () => {
    for (const { file, text } of sources) {
      const layer = layers.indexOf(file.split('/')[0] as string);
      if (layer < 0) continue;
      for (const match of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = relative(root, join(root, file, '..', match[1] as string)).split('/')[0] as string;
        const targetLayer = layers.indexOf(target);
        assert.ok(targetLayer <= layer, `${file} imports ${match[1]} from a higher layer`);
      }
    }
  });

  it('has no import cycle anywhere, type-only imports and config.ts included', () => {
    const graph = new Map<string, string[]>();
    for (const { file, text } of sources) {
      const targets: string[] = [];
      for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from '(\.\.?\/[^']+)'/gms)) {
        targets.push(relative(root, join(root, file, '..', (match[1] as string).replace(/\.js$/, '.ts'))));
      }
      graph.set(file, targets);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].join(' → '));
        else if (state.get(target) === undefined) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
    assert.ok(graph.has('config.ts') && graph.size > 50);
    assert.deepEqual(cycles, []);
  });

  it('lets the domain import nothing from store, services, api or cli (the store port is written in domain types)', () => {
    for (const { file, text } of sources.filter((source) => source.file.startsWith('domain/'))) {
      for (const match of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = relative(root, join(root, file, '..', match[1] as string));
        assert.ok(target.startsWith('domain/'), `${file} imports ${match[1]}`);
      }
    }
  });

  it('keeps the domain pure', () => {
    const domain = sources.filter(({ file }) => file.startsWith('domain/'));
    assert.ok(domain.length > 5);
    for (const { file, text } of domain) {
      assert.doesNotMatch(text, /from '(node:|pg|fastify|@electric-sql|pino)/, `${file} imports I/O`);
      assert.doesNotMatch(text, /Date\.now\(|new Date\(\)|process\.env|Math\.random|parseFloat/, `${file} reads the clock, environment or randomness`);
    }
  });

  it('never lets money pass through a float', () => {
    for (const { file, text } of sources) assert.doesNotMatch(text, /parseFloat|Math\.round\(/, file);
  });
});
