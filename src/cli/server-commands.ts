import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readConfig } from '../config.js';
import type { Invocation } from './main.js';
import { UsageError } from './usage-error.js';

/** `coffer serve`: runs until SIGTERM or SIGINT. */
export async function serve(invocation: Invocation): Promise<number> {
  const { serveWorkers, workersOption } = await import('../api/workers.js');
  const workers = invocation.options.workers;
  await serveWorkers(workersOption(typeof workers === 'string' ? ['--workers', workers] : []), readConfig());
  return -1;
}

/** `coffer rotate-secret-key`: re-encrypts the secrets at rest to a new master secret (server stopped). */
export async function rotateSecretKey(_invocation: Invocation): Promise<number> {
  const { runRotateSecretKey } = await import('./rotate-secret-key.js');
  return runRotateSecretKey(readConfig());
}

/** `coffer migrate`: brings the schema up to date and exits (the server also does it at start). */
export async function migrateCommand(_invocation: Invocation): Promise<number> {
  const config = readConfig();
  const { openStore } = await import('../store/connect.js');
  const say = (line: string) => process.stdout.write(`coffer: ${line}\n`);
  const store = await openStore({
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    purpose: 'coffer migrate',
    onProgress: say,
  });
  await store.close();
  say('schema is current');
  return 0;
}

export async function verify(invocation: Invocation): Promise<number> {
  const { runVerify } = await import('./verify.js');
  const { against, json, digest } = invocation.options;
  return runVerify(readConfig(), [
    ...(json === true ? ['--json'] : []),
    ...(digest === true ? ['--digest'] : []),
    ...(typeof against === 'string' ? ['--against', against] : []),
  ]);
}

export async function openapi(_invocation: Invocation): Promise<number> {
  const { printOpenApi } = await import('./openapi.js');
  await printOpenApi();
  return 0;
}

function onPostgres(what: string): number {
  process.stderr.write(
    `coffer ${what}: DATABASE_URL points to PostgreSQL; use its own tools, e.g.\n` +
      `  pg_dump --format=custom --file=coffer.dump "$DATABASE_URL"        # backup\n` +
      `  pg_restore --clean --if-exists --dbname="$DATABASE_URL" coffer.dump  # restore (server stopped)\n`,
  );
  return 2;
}

/** `coffer backup FILE`: the embedded data directory as a gzipped tarball; refused while a server holds the directory. */
export async function backup(invocation: Invocation): Promise<number> {
  const [file] = invocation.args;
  if (file === undefined) throw new UsageError('usage: coffer backup FILE (e.g. coffer-backup.tar.gz)');
  const config = readConfig();
  if (config.databaseUrl !== undefined) return onPostgres('backup');
  const { openStore } = await import('../store/connect.js');
  const store = await openStore({ dataDir: config.dataDir, mustExist: true, purpose: 'coffer backup' });
  try {
    const dump = await store.database.dumpDataDir?.();
    if (dump === undefined) throw new Error('this database cannot be dumped');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()), { flag: invocation.options.force === true ? 'w' : 'wx' });
    process.stdout.write(`coffer: wrote ${resolve(file)} (${dump.size} bytes) from ${resolve(config.dataDir)}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** `coffer restore FILE`: recreates the embedded data directory from a backup; the directory must be missing or empty. */
export async function restore(invocation: Invocation): Promise<number> {
  const [file] = invocation.args;
  if (file === undefined) throw new UsageError('usage: coffer restore FILE (a file written by coffer backup)');
  const config = readConfig();
  if (config.databaseUrl !== undefined) return onPostgres('restore');
  const dataDir = resolve(config.dataDir);
  const existing = await readdir(dataDir).catch(() => []);
  if (existing.length > 0) {
    throw new Error(`${dataDir} is not empty; restore into a new COFFER_DATA_DIR (or move the old one away first)`);
  }
  await stat(file);
  const { lockDataDir } = await import('../store/data-dir-lock.js');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir, 'coffer restore');
  try {
    const { connectPglite } = await import('../store/pglite.js');
    const { migrate } = await import('../store/migrate.js');
    const database = await connectPglite(dataDir, new Blob([await readFile(file)]));
    try {
      await migrate(database);
      const [row] = await database.query<{ wallets: string }>('select count(*)::text as wallets from wallets');
      process.stdout.write(`coffer: restored ${dataDir} from ${resolve(file)} (${row?.wallets ?? '?'} wallets); run \`coffer verify\` to check it\n`);
    } finally {
      await database.close();
    }
  } finally {
    lock.release();
  }
  return 0;
}
