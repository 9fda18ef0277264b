import { buildApp } from '../api/app.js';
import { readConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { createContext } from '../services/runtime.js';

/** Building the routes touches no data: a store that refuses every use stands in for a database (no database is started). */
const noStore = new Proxy({} as Store, {
  get(_target, property) {
    // Optional parts of a store (a read replica) are simply absent.
    if (property === 'then' || property === 'replica') return undefined;
    throw new Error(`the OpenAPI document was generated without a database, but the app used store.${String(property)}`);
  },
});

/** Builds the app without a database and returns the generated OpenAPI document. */
export async function generateOpenApi(): Promise<unknown> {
  const app = await buildApp({ context: createContext(noStore, readConfig({})) });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}

export async function printOpenApi(): Promise<void> {
  process.stdout.write(`${JSON.stringify(await generateOpenApi(), null, 2)}\n`);
}
