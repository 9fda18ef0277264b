// Prints the built bundle's size (raw and gzip) after `vite build`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
})(root);
let raw = 0;
let gz = 0;
for (const file of files.sort()) {
  const bytes = readFileSync(file);
  const zipped = gzipSync(bytes).length;
  raw += bytes.length;
  gz += zipped;
  console.log(`  ${file.slice(root.length).padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(8)} kB  gzip ${(zipped / 1024).toFixed(1).padStart(7)} kB`);
}
console.log(`console bundle: ${files.length} files, ${(raw / 1024).toFixed(1)} kB, gzip ${(gz / 1024).toFixed(1)} kB`);
