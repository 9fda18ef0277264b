/**
 * The thin adapter both backends implement: parameterised SQL in, plain rows out.
 * int8 and numeric columns come back as strings on both backends, so money stays exact.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  readonly backend: 'postgres' | 'pglite';
  /** One database transaction on one connection; rolled back if `fn` throws. */
  transaction<T>(fn: (dbTx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: LISTEN on `channel` on a connection of its own that follows the primary.
   * `onGap` runs whenever notifications may have been missed (at each (re)connection), so the
   * caller can drop whatever the notifications keep fresh. Resolves to a function that stops it.
   */
  listen?(channel: string, onMessage: (payload: string) => void, onGap: () => void): Promise<() => Promise<void>>;
  /** The embedded database only: the size of its WebAssembly heap, reported apart from Node's memory. */
  heapBytes?(): number | undefined;
  /** The embedded database only: its data directory as a gzipped tarball (`coffer backup`). */
  dumpDataDir?(): Promise<Blob>;
}

/** SQLSTATEs after which the whole database transaction can safely be tried again. */
const retryableStates = new Set(['40001', '40P01']);

export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retryableStates.has(String((error as { code?: unknown }).code));
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (candidate.code !== '23505') return false;
  return constraint === undefined || candidate.constraint === constraint || String(candidate.message).includes(constraint);
}

/**
 * The database cannot be reached, or the server reached cannot take writes (a standby, a primary
 * going away): the request may be retried shortly, with the same Idempotency-Key for a write.
 * A write interrupted this way either committed whole or not at all (one database transaction);
 * which one, the retry tells.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** SQLSTATE classes and codes that mean "this connection or server is gone or cannot write", not "this statement is wrong". */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '25006', '53300']);
const unavailableMessages =
  /Connection terminated|connection error|not queryable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery)/i;

/** True for errors that say the database server (not the request) is the problem. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; message?: unknown };
  const code = String(candidate.code ?? '');
  if (unavailableStates.has(code) || code.startsWith('08')) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  return unavailableMessages.test(String(candidate.message ?? ''));
}
