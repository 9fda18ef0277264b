// Copies what the compiled server reads at run time besides JavaScript (the SQL migrations) into dist/.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
cpSync(`${root}src/store/migrations`, `${root}dist/src/store/migrations`, { recursive: true, filter: (path) => !path.includes('.') || path.endsWith('.sql') });
