import type { Counters } from '../domain/balance.js';

/** Helpers to read driver rows into domain values: int8/numeric arrive as strings. */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  throw new TypeError(`expected an integer column, got ${typeof value}`);
}

export function bigOrNull(value: unknown): bigint | null {
  return value === null || value === undefined ? null : big(value);
}

export function text(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`expected a text column, got ${typeof value}`);
  return value;
}

export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

export function date(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value);
  throw new TypeError(`expected a timestamp column, got ${typeof value}`);
}

export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : date(value);
}

export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function countersOf(row: Record<string, unknown>): Counters {
  return {
    debitsPosted: big(row.debits_posted),
    creditsPosted: big(row.credits_posted),
    debitsPending: big(row.debits_pending),
    creditsPending: big(row.credits_pending),
  };
}
