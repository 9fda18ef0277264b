// Builds dist/embedded-template.tar.gz: an embedded database already created (initdb) and migrated,
// which a first start unpacks instead of creating one (seconds instead of tens of seconds on a slow machine).
// Run by `npm run build:server` after tsc; a start without it (or with newer migrations) still works.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const { connectPglite } = await import(`${root}dist/src/store/pglite.js`);
const { migrate } = await import(`${root}dist/src/store/migrate.js`);
const database = await connectPglite(undefined);
const applied = await migrate(database);
const dump = await database.dumpDataDir();
await database.close();
await writeFile(`${root}dist/embedded-template.tar.gz`, Buffer.from(await dump.arrayBuffer()));
process.stdout.write(`dist/embedded-template.tar.gz: an empty embedded database with ${applied.length} migrations (${dump.size} bytes)\n`);
