import { buildApp } from '../api/app.js';
import { readConfig } from '../config.js';
import { openStore } from '../store/connect.js';

/** Builds the app on an in-memory database and returns the generated OpenAPI document. */
export async function generateOpenApi(): Promise<unknown> {
  const store = await openStore({});
  try {
    const app = await buildApp({ context: { store, clock: () => new Date(), config: readConfig({}) } });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return document;
  } finally {
    await store.close();
  }
}

export async function printOpenApi(): Promise<void> {
  process.stdout.write(`${JSON.stringify(await generateOpenApi(), null, 2)}\n`);
}
