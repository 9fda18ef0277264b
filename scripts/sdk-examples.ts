/**
 * Extracts every ```ts block of docs/sdk.md into packages/sdk/examples/doc-NN.ts, each a module
 * that `npm run typecheck` compiles (packages/sdk/examples/tsconfig.json), so a documented example
 * that no longer compiles fails the build. Blocks may use the context below without declaring it.
 * `npm run sdk:examples` writes them; test/sdk/docs.test.ts fails while they differ from the doc.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';

export const docUrl = new URL('../docs/sdk.md', import.meta.url);
export const examplesDir = new URL('../packages/sdk/examples/', import.meta.url);

/** What an example may use without declaring it: a client, two currencies, two wallets. */
const context: Record<string, string> = {
  coffer: "import('@coffer/sdk').Coffer",
  usd: "import('@coffer/sdk').Currency",
  eur: "import('@coffer/sdk').Currency",
  alice: "import('@coffer/sdk').Wallet",
  bob: "import('@coffer/sdk').Wallet",
};

export function docBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
}

function declaredNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const match of code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1] as string);
  for (const match of code.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const name of (match[1] as string).split(','))
      names.add(
        name
          .trim()
          .split(/\s+as\s+/)
          .at(-1) as string,
      );
  }
  return names;
}

export function renderExamples(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  docBlocks(markdown).forEach((block, index) => {
    const declared = declaredNames(block);
    const imports = block.split('\n').filter((line) => line.startsWith('import '));
    const body = block.split('\n').filter((line) => !line.startsWith('import '));
    const preamble = Object.entries(context)
      .filter(([name]) => !declared.has(name) && new RegExp(`\\b${name}\\b`).test(block))
      .map(([name, type]) => `declare const ${name}: ${type};`);
    const text = [
      `// Extracted from docs/sdk.md (block ${index + 1}) by \`npm run sdk:examples\`. Edit the doc, not this file.`,
      ...imports,
      ...preamble,
      '',
      body.join('\n').replace(/^\n+/, '').trimEnd(),
      '',
      'export {};',
      '',
    ].join('\n');
    files.set(`doc-${String(index + 1).padStart(2, '0')}.ts`, text);
  });
  return files;
}

if (process.argv[1]?.endsWith('sdk-examples.ts')) {
  const files = renderExamples(await readFile(docUrl, 'utf8'));
  for (const name of await readdir(examplesDir)) {
    if (/^doc-[0-9]+\.ts$/.test(name) && !files.has(name)) await rm(new URL(name, examplesDir));
  }
  for (const [name, text] of files) await writeFile(new URL(name, examplesDir), text);
  process.stdout.write(`wrote ${files.size} examples to packages/sdk/examples\n`);
}
