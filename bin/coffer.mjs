#!/usr/bin/env node
// The `coffer` command: runs the compiled CLI (built by `npm run build`, which `npm install` runs).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('coffer: not built yet (dist/ is missing); run `npm run build` in the coffer directory.\n');
  process.exit(1);
}
await import(main.href);
