import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { checkMasterSecret, deriveSecretKeys, loadMasterSecret, reencryptStoredSecrets, secretKeyFileName } from '../services/secrets.js';
import { openStore } from '../store/connect.js';

/**
 * `coffer rotate-secret-key`: re-encrypts every stored webhook signing secret from the current
 * master secret (COFFER_SECRET_KEY, or the embedded key file) to COFFER_NEW_SECRET_KEY (or, on the
 * embedded database, a newly generated key written to the key file). Run it with the server
 * stopped, then start the server with the new key (docs/security.md "Secrets at rest").
 */
export async function runRotateSecretKey(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromFile = config.secretKey === undefined && config.databaseUrl === undefined;
  const current = await loadMasterSecret(config);
  const given = env.COFFER_NEW_SECRET_KEY;
  if ((given === undefined || given === '') && !fromFile) {
    process.stderr.write('coffer rotate-secret-key: set COFFER_NEW_SECRET_KEY (at least 32 characters) to the new master secret.\n');
    return 2;
  }
  const next = given !== undefined && given !== '' ? checkMasterSecret(given, 'COFFER_NEW_SECRET_KEY') : randomBytes(32).toString('hex');
  if (next === current) {
    process.stderr.write('coffer rotate-secret-key: the new master secret is the current one.\n');
    return 2;
  }
  const keyFile = join(config.dataDir, secretKeyFileName);
  // The new key file is ready before the database changes, and takes the old one's place right after.
  if (fromFile) await writeFile(`${keyFile}.new`, `${next}\n`, { mode: 0o600 });
  const store = await openStore(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const count = await reencryptStoredSecrets(store, deriveSecretKeys(current), deriveSecretKeys(next));
    if (fromFile) await rename(`${keyFile}.new`, keyFile);
    process.stdout.write(
      `Re-encrypted ${count} webhook endpoint(s) with the new master secret.` +
        (fromFile ? ` The new key is in ${keyFile}.\n` : ' Start the server with COFFER_SECRET_KEY set to the new value.\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
