import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/store.js';

/**
 * Secrets at rest (docs/security.md). One master secret, COFFER_SECRET_KEY or, on the embedded
 * database only, a key file the server generates in its data directory. Every key is derived
 * from it with HKDF-SHA256 under its own label, so no key is ever stored or has a default.
 */
export const masterSecretLengthMin = 32;
export const secretKeyFileName = 'secret.key';

export interface SecretKeys {
  /** The HMAC key of the card-number hash (only to keep generated numbers unique). */
  readonly cardHash: Buffer;
  /** The AES-256-GCM key of the webhook signing secrets stored in the database. */
  readonly webhookSecrets: Buffer;
  /** The AES-256-GCM key of secrets inside recorded idempotent answers (a new API key's, a webhook's). */
  readonly idempotentSecrets: Buffer;
}

const labels = {
  cardHash: 'coffer/card-number-hash/v1',
  webhookSecrets: 'coffer/webhook-secrets/aes-256-gcm/v1',
  idempotentSecrets: 'coffer/idempotent-answer-secrets/aes-256-gcm/v1',
} as const;

export function deriveSecretKeys(master: string): SecretKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', Buffer.from(master, 'utf8'), Buffer.from('coffer', 'utf8'), info, 32));
  return { cardHash: derive(labels.cardHash), webhookSecrets: derive(labels.webhookSecrets), idempotentSecrets: derive(labels.idempotentSecrets) };
}

export function checkMasterSecret(value: string, source: string): string {
  if (value.length < masterSecretLengthMin) {
    throw new Error(`${source} must be at least ${masterSecretLengthMin} characters (e.g. 64 hex digits: openssl rand -hex 32); it is ${value.length}.`);
  }
  return value;
}

const derived = new Map<string, SecretKeys>();

/** The keys derived from the configured master secret; a clear error when none is configured. */
export function secretKeysOf(config: { readonly secretKey: string | undefined }): SecretKeys {
  const master = config.secretKey;
  if (master === undefined)
    throw new Error('No master secret: set COFFER_SECRET_KEY (at least 32 characters), or start the server on the embedded database, which generates one.');
  let keys = derived.get(master);
  if (keys === undefined) {
    keys = deriveSecretKeys(master);
    derived.set(master, keys);
  }
  return keys;
}

/**
 * The master secret the server runs with: COFFER_SECRET_KEY, or on the embedded database the
 * key file `<dataDir>/secret.key` (created with mode 0600 when absent). On PostgreSQL there is
 * no data directory to keep it in: the server refuses to start without COFFER_SECRET_KEY.
 */
export async function loadMasterSecret(config: {
  readonly secretKey: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}): Promise<string> {
  if (config.secretKey !== undefined) return checkMasterSecret(config.secretKey, 'COFFER_SECRET_KEY');
  if (config.databaseUrl !== undefined) {
    throw new Error(
      'COFFER_SECRET_KEY is not set. On PostgreSQL, Coffer needs a master secret of at least 32 characters to protect secrets at rest ' +
        '(generate one with `openssl rand -hex 32` and keep it in your secret store; see docs/security.md).',
    );
  }
  const file = join(config.dataDir, secretKeyFileName);
  await mkdir(config.dataDir, { recursive: true });
  try {
    // 'wx': two processes starting together never overwrite each other's key.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
  await chmod(file, 0o600).catch(() => undefined);
  return checkMasterSecret((await readFile(file, 'utf8')).trim(), file);
}

/** Versioned ciphertext: `v1:<iv>:<ciphertext>:<tag>`, base64url, AES-256-GCM with a 12-byte random iv. */
const ciphertextPattern = /^v1:([A-Za-z0-9_-]+):([A-Za-z0-9_-]*):([A-Za-z0-9_-]+)$/;

export function isEncryptedSecret(stored: string): boolean {
  return ciphertextPattern.test(stored);
}

export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${ciphertext.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
}

/** Decrypts a stored secret. A row written before encryption (plain text) is returned as it is until the start-up pass encrypts it. */
export function decryptSecret(key: Buffer, stored: string): string {
  const parts = ciphertextPattern.exec(stored);
  if (parts === null) return stored;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1] as string, 'base64url'));
  decipher.setAuthTag(Buffer.from(parts[3] as string, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(parts[2] as string, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Encrypts the webhook signing secrets still stored in plain text (rows written before
 * migration 008). Run at start: a migration cannot, it does not know the key. Returns how many.
 */
export async function encryptStoredSecrets(store: Store, keys: SecretKeys): Promise<number> {
  return store.transaction(async (tx) => {
    const rows = await tx.plaintextWebhookSecrets();
    for (const row of rows) {
      await tx.setWebhookSecrets(
        row.id,
        encryptSecret(keys.webhookSecrets, row.secret),
        row.previousSecret === null ? null : encryptSecret(keys.webhookSecrets, row.previousSecret),
      );
    }
    return rows.length;
  });
}

/**
 * Re-encrypts every stored webhook secret from one master secret to another (rotation of the
 * master secret: `coffer rotate-secret-key`, docs/security.md). Card-number hashes cannot be
 * recomputed (the numbers are not stored): they are kept, and only keep old numbers unique.
 */
export async function reencryptStoredSecrets(store: Store, from: SecretKeys, to: SecretKeys): Promise<number> {
  return store.transaction(async (tx) => {
    const rows = await tx.allWebhookSecrets();
    for (const row of rows) {
      const secret = encryptSecret(to.webhookSecrets, decryptSecret(from.webhookSecrets, row.secret));
      const previous = row.previousSecret === null ? null : encryptSecret(to.webhookSecrets, decryptSecret(from.webhookSecrets, row.previousSecret));
      await tx.setWebhookSecrets(row.id, secret, previous);
    }
    return rows.length;
  });
}
