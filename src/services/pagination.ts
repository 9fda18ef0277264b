import { CofferError } from '../domain/errors.js';
import { limits } from '../domain/limits.js';

/** Cursors are opaque to clients: base64url of the last key seen. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key)) throw new CofferError('validation_failed', 'The cursor is not one this list returned.', [{ field: 'cursor', message: 'invalid' }]);
  return key;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const sequencePattern = /^[0-9]{1,19}$/;

export function pageSize(limit: number | undefined): number {
  return Math.min(limit ?? limits.pageSizeDefault, limits.pageSizeMax);
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says that there is more. */
export function toPage<T>(rows: readonly T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
