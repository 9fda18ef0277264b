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
